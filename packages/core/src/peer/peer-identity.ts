import type { SpiffeId } from '../spiffe/spiffe-id.js';

/** Where a peer identity was read from. */
export type PeerSource = 'tls' | 'xfcc';

/**
 * The verified identity of the caller: a SPIFFE ID plus Istio's views of it.
 *
 * @example
 * ```ts
 * app.get('/orders', (req, res) => {
 *   if (req.peerPrincipal?.serviceAccount === 'frontend') { ... }
 *   res.json({ caller: String(req.peerPrincipal) }); // "spiffe://cluster.local/ns/shop/sa/frontend"
 * });
 * ```
 */
export class PeerIdentity {
  /** The full SPIFFE ID, `spiffe://cluster.local/ns/shop/sa/frontend`. */
  readonly id: string;
  /** The trust domain name, `cluster.local`. */
  readonly trustDomain: string;
  /** The ID's path, `/ns/shop/sa/frontend`. */
  readonly path: string;
  /** The namespace, when the path has Istio's exact `/ns/N/sa/S` form. */
  readonly namespace: string | undefined;
  /** The service account, when the path has Istio's exact `/ns/N/sa/S` form. */
  readonly serviceAccount: string | undefined;
  /** Istio's principal form: the ID without `spiffe://`, `cluster.local/ns/shop/sa/frontend`. */
  readonly principal: string;
  /** Where the identity came from: the TLS socket or a trusted `X-Forwarded-Client-Cert`. */
  readonly source: PeerSource;
  /** The parsed SPIFFE ID. */
  readonly spiffeId: SpiffeId;

  constructor(spiffeId: SpiffeId, source: PeerSource) {
    this.spiffeId = spiffeId;
    this.id = spiffeId.toString();
    this.trustDomain = spiffeId.trustDomain.name;
    this.path = spiffeId.path;
    this.principal = this.id.slice('spiffe://'.length);
    this.source = source;
    // Istio's ParseIdentity: exactly `/ns/<ns>/sa/<sa>`, nothing more (pkg/spiffe/spiffe.go).
    const s = spiffeId.segments;
    const istio = s.length === 4 && s[0] === 'ns' && s[2] === 'sa';
    this.namespace = istio ? s[1] : undefined;
    this.serviceAccount = istio ? s[3] : undefined;
  }

  toString(): string {
    return this.id;
  }

  toJSON(): { id: string; trustDomain: string; path: string; namespace?: string; serviceAccount?: string; principal: string; source: PeerSource } {
    const { id, trustDomain, path, namespace, serviceAccount, principal, source } = this;
    return { id, trustDomain, path, ...(namespace !== undefined ? { namespace, serviceAccount } : {}), principal, source };
  }
}
