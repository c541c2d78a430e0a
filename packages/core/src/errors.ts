/**
 * Every error meshauth throws carries a stable string `code`, so callers can
 * `switch (err.code)` instead of matching messages.
 */
export type MeshAuthErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_SPIFFE_ID_INVALID'
  | 'ERR_TRUST_DOMAIN_INVALID'
  | 'ERR_TRUST_BUNDLE_INVALID'
  | 'ERR_SVID_INVALID'
  | 'ERR_XFCC_MALFORMED'
  | 'ERR_POLICY_INVALID'
  | 'ERR_POLICY_LOAD'
  | 'ERR_REQUEST_AUTHN_INVALID'
  | 'ERR_JWKS_FETCH'
  | 'ERR_NOT_MOUNTED';

/**
 * Base class of all meshauth errors.
 *
 * @example
 * ```ts
 * try { SpiffeId.parse(input) } catch (err) {
 *   if (err instanceof MeshAuthError && err.code === 'ERR_SPIFFE_ID_INVALID') { ... }
 * }
 * ```
 */
export abstract class MeshAuthError extends Error {
  abstract readonly code: MeshAuthErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A constructor option is missing, of the wrong type or out of range. Thrown at construction, never per request. */
export class OptionError extends MeshAuthError {
  readonly code = 'ERR_INVALID_OPTION' as const;
  /** The option's path, e.g. `xfcc.expectBy`. */
  readonly option: string;

  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super(`"${option}" option ${message}`, options);
    this.option = option;
  }
}
