import { MeshAuthError } from '../errors.js';

/**
 * Why an `X-Forwarded-Client-Cert` header was rejected. A string-literal union so that
 * `switch (err.reason)` narrows and metrics can use it as a label of bounded cardinality.
 *
 * - `too-large`: the header is longer than the parser's `maxLength`; checked before any other work.
 * - `unterminated-quote`: a `"` opens a quoted string that never closes. The whole header is
 *   rejected: closing it at the end of input would let a peer swallow the elements after it.
 * - `text-after-quote`: something other than whitespace, `;` or `,` follows a closing quote.
 * - `quote-in-value`: an unescaped `"` in the middle of an unquoted value (`URI=a"b"`).
 * - `missing-equals`: a pair has a key but no `=` (`By;URI=x`).
 * - `empty-key`: a pair starts with `=` (`=value`).
 * - `invalid-key`: a key is not an RFC 9110 token (`"By"=x`, `B y=x`).
 * - `duplicate-key`: `Hash`, `Cert`, `Chain` or `Subject` appears twice in one element.
 * - `bad-percent-encoding`: `Cert` or `Chain` has a malformed `%` escape or decodes to invalid UTF-8.
 */
export type XfccErrorReason =
  | 'too-large'
  | 'unterminated-quote'
  | 'text-after-quote'
  | 'quote-in-value'
  | 'missing-equals'
  | 'empty-key'
  | 'invalid-key'
  | 'duplicate-key'
  | 'bad-percent-encoding';

const DESCRIPTIONS: Readonly<Record<XfccErrorReason, string>> = {
  'too-large': 'header is longer than the configured maximum',
  'unterminated-quote': 'quoted value is never closed',
  'text-after-quote': 'unexpected text after a closing quote',
  'quote-in-value': 'unescaped quote inside an unquoted value',
  'missing-equals': 'pair has no "="',
  'empty-key': 'pair has an empty key',
  'invalid-key': 'key is not a token',
  'duplicate-key': 'single-valued key repeated in one element',
  'bad-percent-encoding': 'malformed percent-encoding or invalid UTF-8',
};

/**
 * An `X-Forwarded-Client-Cert` header could not be parsed. The header as a whole is rejected:
 * there is no partial result, because a partially understood header cannot name a caller safely.
 *
 * The message never contains the header's content (it may be large and is attacker-controlled);
 * `position` points into the header for whoever has it at hand.
 *
 * @example
 * ```ts
 * try {
 *   parseXfcc(req.headers['x-forwarded-client-cert'] ?? '');
 * } catch (err) {
 *   if (err instanceof XfccError) {
 *     log.warn({ code: err.code, reason: err.reason, position: err.position }, 'bad XFCC');
 *     res.statusCode = 400;
 *   }
 * }
 * ```
 */
export class XfccError extends MeshAuthError {
  readonly code = 'ERR_XFCC_MALFORMED' as const;
  /** The rule the header broke. */
  readonly reason: XfccErrorReason;
  /**
   * Index (UTF-16 code unit) in the header where the problem was found: the offending character,
   * the opening quote of an unterminated string, the start of a repeated pair or of a value that
   * fails percent-decoding; for `too-large`, the limit.
   */
  readonly position: number;

  constructor(reason: XfccErrorReason, position: number, detail?: string, options?: { cause?: unknown }) {
    const what = detail === undefined ? DESCRIPTIONS[reason] : `${DESCRIPTIONS[reason]} (${detail})`;
    super(`X-Forwarded-Client-Cert is malformed at position ${position}: ${what}`, options);
    this.reason = reason;
    this.position = position;
  }
}
