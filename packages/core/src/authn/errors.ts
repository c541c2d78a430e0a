import { MeshAuthError } from '../errors.js';
import { formatIssue, type ManifestIssue } from '../manifest/issues.js';

/**
 * Rules handed to `createRequestAuthenticator` are invalid. Thrown at construction, never per
 * request; carries every problem found.
 *
 * @example
 * ```ts
 * try { createRequestAuthenticator([{ issuer: '' }]) } catch (err) {
 *   if (err instanceof RequestAuthnConfigError) for (const i of err.issues) console.error(i.field, i.message);
 * }
 * ```
 */
export class RequestAuthnConfigError extends MeshAuthError {
  readonly code = 'ERR_REQUEST_AUTHN_INVALID' as const;
  readonly issues: readonly ManifestIssue[];

  constructor(issues: readonly ManifestIssue[], options?: { cause?: unknown }) {
    const head = `${issues.length} problem${issues.length === 1 ? '' : 's'} in RequestAuthentication rules`;
    super([head, ...issues.map((i) => `  - ${formatIssue(i)}`)].join('\n'), options);
    this.issues = Object.freeze([...issues]);
  }
}

/**
 * Why a key-set fetch failed.
 * - `timeout`: no complete answer within the rule's `timeout` (default 5 s).
 * - `network`: the connection failed (refused, reset, DNS).
 * - `http-status`: the answer was not `200 OK` (redirects are not followed, as jose does not).
 * - `too-large`: the body exceeded the size limit.
 * - `invalid-json`: the body is not JSON.
 * - `invalid-jwks`: the JSON is not a key set (no `keys` array), or discovery gave no `jwks_uri`.
 *
 * @example
 * ```ts
 * const reason: JwksFetchFailure = 'timeout';
 * ```
 */
export type JwksFetchFailure = 'timeout' | 'network' | 'http-status' | 'too-large' | 'invalid-json' | 'invalid-jwks';

/**
 * A remote key set (or its OpenID discovery document) could not be fetched. Never thrown at a
 * request: requests carrying a token get 401 `JWKS_FETCH_FAILED` when no usable keys are held.
 * Reported to the `onJwksError` option and kept as the source's `lastError`.
 *
 * @example
 * ```ts
 * createRequestAuthenticator(rules, { onJwksError: (err) => log.warn({ uri: err.uri, reason: err.reason }, err.message) });
 * ```
 */
export class JwksFetchError extends MeshAuthError {
  readonly code = 'ERR_JWKS_FETCH' as const;
  /** The URL that was fetched. */
  readonly uri: string;
  readonly reason: JwksFetchFailure;

  constructor(uri: string, reason: JwksFetchFailure, message: string, options?: { cause?: unknown }) {
    super(`fetching ${uri} failed: ${message}`, options);
    this.uri = uri;
    this.reason = reason;
  }
}
