/**
 * A request as AuthorizationPolicy sees it, already normalized by the caller: the path is
 * Envoy-normalized and has no query or fragment, the host is lower-cased (as the router dispatches).
 * Nothing here depends on a web framework.
 *
 * Attribute mapping (authorization-policy.md §14): `sourceIp` is Envoy's `direct_remote_ip` (the TCP
 * peer), `remoteIp` its `remote_ip` (from trusted `X-Forwarded-For`/PROXY; when absent the peer is
 * used, as Envoy does), `destinationPort` the local port of the connection, `sni` the TLS server
 * name, `peer` the mTLS identity, `auth` the verified JWT.
 *
 * @example
 * ```ts
 * const req: AuthzRequest = {
 *   method: 'GET', path: '/api/orders', host: 'orders.shop.svc',
 *   headers: { 'x-tenant': 'acme' }, sourceIp: '10.0.0.7', destinationPort: 8080,
 *   peer: { principal: 'cluster.local/ns/shop/sa/frontend' },
 * };
 * ```
 */
export interface AuthzRequest {
  readonly method: string;
  /** Normalized path, no query, no fragment. */
  readonly path: string;
  /** `:authority` / `Host`, lower-cased, port included when the client sent one. */
  readonly host: string;
  /** Lower-case names; repeated headers as arrays (they are joined with `,` as Envoy does). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly sourceIp?: string;
  readonly remoteIp?: string;
  readonly sourcePort?: number;
  readonly destinationIp?: string;
  readonly destinationPort?: number;
  readonly sni?: string;
  /** The mTLS peer; `PeerIdentity` satisfies this. `principal` is Istio's form (no `spiffe://`). */
  readonly peer?: AuthzPeer;
  /** The verified JWT, if any. */
  readonly auth?: AuthzJwt;
}

/**
 * The mTLS peer as policies see it.
 *
 * @example
 * ```ts
 * const peer: AuthzPeer = { principal: 'cluster.local/ns/shop/sa/frontend', namespace: 'shop' };
 * ```
 */
export interface AuthzPeer {
  /** The SPIFFE ID without `spiffe://`, e.g. `cluster.local/ns/shop/sa/frontend`. */
  readonly principal: string;
  /** Informational; policies derive namespaces from `principal` with Istio's regex. */
  readonly namespace?: string | undefined;
}

/**
 * A verified JWT as policies see it. `claims` is the payload; `iss`, `sub`, `aud`, `azp` are read
 * from it as Envoy's jwt_authn metadata does. The other fields are used only when the payload lacks
 * the corresponding claim.
 *
 * @example
 * ```ts
 * const auth: AuthzJwt = { claims: { iss: 'https://idp', sub: 'alice', scope: 'read write' } };
 * ```
 */
export interface AuthzJwt {
  readonly principal?: string;
  readonly audiences?: readonly string[];
  readonly presenter?: string;
  readonly claims: Readonly<Record<string, unknown>>;
}
