import { MeshAuthError } from '../errors.js';

/**
 * What is wrong with a trust bundle entry.
 *
 * @example
 * ```ts
 * if (err instanceof TrustBundleError && err.reason === 'unreadable-file') process.exitCode = 78; // EX_CONFIG
 * ```
 */
export type TrustBundleErrorReason =
  | 'invalid-trust-domain'
  | 'invalid-source'
  | 'unreadable-file'
  | 'not-pem'
  | 'malformed-pem'
  | 'no-certificate'
  | 'malformed-certificate'
  | 'not-ca'
  | 'unhandled-critical-extension';

/**
 * A trust bundle could not be loaded. Thrown by `TrustBundleSet.from`, at start-up, never per request.
 *
 * @example
 * ```ts
 * try { TrustBundleSet.from({ 'example.org': 'not a pem' }) } catch (err) {
 *   if (err instanceof TrustBundleError) console.log(err.trustDomain, err.reason); // 'example.org' 'not-pem'
 * }
 * ```
 */
export class TrustBundleError extends MeshAuthError {
  readonly code = 'ERR_TRUST_BUNDLE_INVALID' as const;
  /** The trust domain key of the failing entry, as given. */
  readonly trustDomain: string;
  /** What is wrong. */
  readonly reason: TrustBundleErrorReason;

  constructor(trustDomain: string, reason: TrustBundleErrorReason, message: string, options?: { cause?: unknown }) {
    super(`trust bundle for ${JSON.stringify(trustDomain)}: ${message}`, options);
    this.trustDomain = trustDomain;
    this.reason = reason;
  }
}
