import type { RequestHeaders } from './extract-token.js';
import type { AuthnReason } from './reasons.js';

/**
 * What request authentication takes and gives back. Framework-free: Node's `IncomingMessage`
 * satisfies {@link AuthnRequest}, and the adapters apply {@link HeaderMutations} themselves.
 */

/**
 * The parts of a request authentication reads.
 *
 * @example
 * ```ts
 * const r = authenticator.authenticate({ method: req.method, url: req.url, headers: req.headers, scheme: 'https' });
 * ```
 */
export interface AuthnRequest {
  readonly method?: string | undefined;
  /** The request target as received (`/path?query`), for query-parameter tokens and the realm. */
  readonly url?: string | undefined;
  readonly headers: RequestHeaders;
  /** `http` or `https`, for the realm of a challenge. Default `http` (plaintext from the sidecar). */
  readonly scheme?: string | undefined;
}

/**
 * A verified token, as `request.auth.*` sees it (reference §9). Shared between requests that
 * present the same token: it is deeply frozen.
 *
 * @example
 * ```ts
 * if (result.ok && result.auth) console.log(result.auth.principal, result.auth.claims['scope']);
 * ```
 */
export interface VerifiedJwt {
  /** `<iss>/<sub>`, only when both are non-empty strings (a token without `sub` has no principal). */
  readonly principal: string | undefined;
  readonly issuer: string | undefined;
  readonly subject: string | undefined;
  /** The `aud` claim as a list (`request.auth.audiences`). */
  readonly audiences: readonly string[];
  /** The `azp` claim (`request.auth.presenter`). */
  readonly presenter: string | undefined;
  /** The whole payload (`request.auth.claims`). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** `exp` in milliseconds since the epoch, when the token has one. */
  readonly expiresAt: number | undefined;
  /** Claims policies split on spaces: `scope`, `permission` and the rule's `spaceDelimitedClaims`. */
  readonly spaceDelimitedClaims: ReadonlySet<string>;
  /** Index of the rule that verified the token, in the authenticator's (issuer-sorted) `rules`. */
  readonly rule: number;
}

/**
 * Changes to make to the request before the application sees it: remove the headers in `remove`
 * (client-supplied copies of output headers, and the token's own header unless forwarded), then
 * set those in `set`, then replace the request target by `url` when it is defined (a token taken
 * from a query parameter is removed from it).
 *
 * @example
 * ```ts
 * for (const h of m.remove) delete req.headers[h];
 * Object.assign(req.headers, m.set);
 * if (m.url !== undefined) req.url = m.url;
 * ```
 */
export interface HeaderMutations {
  readonly remove: readonly string[];
  readonly set: Readonly<Record<string, string>>;
  readonly url: string | undefined;
}

/**
 * The request may proceed: with a verified token (`auth`), or with none.
 *
 * @example
 * ```ts
 * if (result.ok) { applyAuthnMutations(req, result.mutations); req.auth = result.auth; }
 * ```
 */
export interface AuthnPass {
  readonly ok: true;
  readonly status: 200;
  readonly auth: VerifiedJwt | undefined;
  readonly mutations: HeaderMutations;
  /** A CORS preflight, let through untouched (jwt_authn `bypass_cors_preflight`, set by Istio). */
  readonly preflight: boolean;
}

/**
 * The request must be answered now with `status`, `headers` and `message` as the body.
 *
 * @example
 * ```ts
 * if (!result.ok) res.writeHead(result.status, result.headers).end(result.message);
 * ```
 */
export interface AuthnFailure {
  readonly ok: false;
  readonly status: 401 | 403;
  readonly reason: AuthnReason;
  /** Envoy's body for this reason (jwt_verify_lib status string). */
  readonly message: string;
  readonly headers: { readonly 'www-authenticate': string };
}

/**
 * The outcome of authenticating one request.
 *
 * @example
 * ```ts
 * const result: AuthnResult = await authenticator.authenticate(req);
 * ```
 */
export type AuthnResult = AuthnPass | AuthnFailure;
