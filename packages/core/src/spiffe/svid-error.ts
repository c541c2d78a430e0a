import { MeshAuthError } from '../errors.js';

/**
 * Why an X.509-SVID was refused (spiffe/standards/X509-SVID.md §2-§5; identity-and-xfcc.md §5).
 *
 * Leaf: `uri-san-count`, `invalid-spiffe-id`, `no-path`, `leaf-is-ca`, `key-usage-missing`,
 * `key-usage-not-critical`, `digital-signature-missing`, `leaf-can-sign-certificates`,
 * `leaf-can-sign-crls`, `ext-key-usage`. Chain: `unknown-trust-domain`, `untrusted-chain`,
 * `intermediate-not-ca`, `intermediate-cannot-sign`, `path-length-exceeded`. Any certificate:
 * `expired`, `not-yet-valid`, `unhandled-critical-extension`, `malformed-certificate`. Input:
 * `no-certificate`, `chain-too-long`.
 *
 * @example
 * ```ts
 * const clientFault = (reason: SvidErrorReason) => reason !== 'unknown-trust-domain';
 * ```
 */
export type SvidErrorReason =
  | 'no-certificate'
  | 'chain-too-long'
  | 'malformed-certificate'
  | 'uri-san-count'
  | 'invalid-spiffe-id'
  | 'no-path'
  | 'leaf-is-ca'
  | 'key-usage-missing'
  | 'key-usage-not-critical'
  | 'digital-signature-missing'
  | 'leaf-can-sign-certificates'
  | 'leaf-can-sign-crls'
  | 'ext-key-usage'
  | 'unhandled-critical-extension'
  | 'expired'
  | 'not-yet-valid'
  | 'unknown-trust-domain'
  | 'untrusted-chain'
  | 'intermediate-not-ca'
  | 'intermediate-cannot-sign'
  | 'path-length-exceeded';

/**
 * A peer's certificate chain is not a valid X.509-SVID for the configured trust bundles.
 *
 * @example
 * ```ts
 * try { verifyX509Svid(chain, bundles) } catch (err) {
 *   if (err instanceof SvidError && err.reason === 'unknown-trust-domain') { ... }
 * }
 * ```
 */
export class SvidError extends MeshAuthError {
  readonly code = 'ERR_SVID_INVALID' as const;
  /** The rule that failed. */
  readonly reason: SvidErrorReason;

  constructor(reason: SvidErrorReason, message: string, options?: { cause?: unknown }) {
    super(`invalid X.509-SVID: ${message}`, options);
    this.reason = reason;
  }
}
