import type { TargetRef } from '../manifest/common-fields.js';
/**
 * The RequestAuthentication resource as `kubectl apply` takes it (istio/api
 * `security/v1beta1/request_authentication.proto` and `jwt.proto`, served as
 * `security.istio.io/v1` and `v1beta1`), after validation. Field names are the manifest's.
 */

/**
 * A header a token is read from. With a `prefix`, the prefix is searched anywhere in the value,
 * case-sensitively, and a value without it holds no token (envoy `jwt_authn/extractor.cc`).
 *
 * @example
 * ```ts
 * const h: JwtHeaderLocation = { name: 'x-goog-iap-jwt-assertion' };
 * const bearer: JwtHeaderLocation = { name: 'authorization', prefix: 'Bearer ' };
 * ```
 */
export interface JwtHeaderLocation {
  readonly name: string;
  readonly prefix?: string;
}

/**
 * Copy one claim of a verified token into a request header (`outputClaimToHeaders`).
 * `claim` is a `.`-separated path into nested objects.
 *
 * @example
 * ```ts
 * const c: ClaimToHeader = { header: 'x-jwt-group', claim: 'org.group' };
 * ```
 */
export interface ClaimToHeader {
  readonly header: string;
  readonly claim: string;
}

/**
 * One `jwtRules` entry. Absent lists stay `undefined`: an absent `fromHeaders` and an empty one
 * both mean "not set", which is what decides whether the default locations apply.
 *
 * @example
 * ```ts
 * const rule: JwtRule = {
 *   issuer: 'https://idp.example.com',
 *   jwksUri: 'https://idp.example.com/.well-known/jwks.json',
 *   audiences: ['orders'],
 *   outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }],
 * };
 * ```
 */
export interface JwtRule {
  /** Must equal the token's `iss`. Empty (allowed when `jwksUri` is set) accepts any issuer. */
  readonly issuer: string;
  /** Accepted audiences; empty or absent means no audience check at all (Envoy, not the API comment). */
  readonly audiences?: readonly string[];
  /** Where the key set is fetched. With neither this nor `jwks`, OpenID discovery on `issuer` finds it. */
  readonly jwksUri?: string;
  /** An inline key set, as a JSON string. Wins over `jwksUri` when both are set (istio/api jwt.proto). */
  readonly jwks?: string;
  readonly fromHeaders?: readonly JwtHeaderLocation[];
  readonly fromParams?: readonly string[];
  readonly fromCookies?: readonly string[];
  /** Keep the header (or query parameter) the token came from after verification. Default `false`. */
  readonly forwardOriginalToken?: boolean;
  /** Header receiving the token's payload segment, base64url as sent. */
  readonly outputPayloadToHeader?: string;
  readonly outputClaimToHeaders?: readonly ClaimToHeader[];
  /** Key-set fetch timeout in milliseconds (manifest: a duration such as `5s`). Default 5000. */
  readonly timeoutMs?: number;
  /** Claims split on spaces for policy matching, in addition to `scope` and `permission`. */
  readonly spaceDelimitedClaims?: readonly string[];
}

/**
 * Where a parsed resource came from, for messages.
 *
 * @example
 * ```ts
 * const o: RequestAuthenticationOrigin = { file: 'authn.yaml', document: 1 };
 * ```
 */
export interface RequestAuthenticationOrigin {
  readonly file?: string;
  readonly document?: number;
}

/**
 * A gateway/waypoint attachment. A resource carrying one never applies to a sidecar workload.
 *
 * @example
 * ```ts
 * const ref: AuthnTargetRef = { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'web' };
 * ```
 */
export type AuthnTargetRef = TargetRef;

/**
 * A validated RequestAuthentication.
 *
 * @example
 * ```ts
 * const ra: RequestAuthentication = {
 *   apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication',
 *   metadata: { name: 'jwt', namespace: 'shop' },
 *   spec: { selector: { matchLabels: { app: 'orders' } }, jwtRules: [{ issuer: 'https://idp' , jwksUri: 'https://idp/jwks' }] },
 * };
 * ```
 */
export interface RequestAuthentication {
  readonly apiVersion: 'security.istio.io/v1' | 'security.istio.io/v1beta1';
  readonly kind: 'RequestAuthentication';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
    readonly targetRef?: AuthnTargetRef;
    readonly targetRefs?: readonly AuthnTargetRef[];
    readonly jwtRules?: readonly JwtRule[];
  };
  /** Set by {@link parseRequestAuthentication} when a file or document index was given. */
  readonly origin?: RequestAuthenticationOrigin;
}
