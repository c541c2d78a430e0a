import { MeshAuthError } from '../errors.js';

/**
 * Which SPIFFE ID rule an input broke (spiffe/standards/SPIFFE-ID.md §2; go-spiffe spiffeid/errors.go
 * has the same rules, with `port`, `userinfo`, `query`, `fragment`, `percent-encoding` and `non-ascii`
 * split out of its "bad character" errors so logs say what was actually wrong).
 *
 * @example
 * ```ts
 * function describe(reason: SpiffeIdErrorReason): string {
 *   return reason === 'dot-segment' ? 'path traversal attempt' : `invalid ID (${reason})`;
 * }
 * ```
 */
export type SpiffeIdErrorReason =
  | 'empty'
  | 'too-long'
  | 'wrong-scheme'
  | 'missing-trust-domain'
  | 'trust-domain-too-long'
  | 'bad-trust-domain-char'
  | 'port'
  | 'userinfo'
  | 'query'
  | 'fragment'
  | 'percent-encoding'
  | 'non-ascii'
  | 'empty-segment'
  | 'dot-segment'
  | 'trailing-slash'
  | 'bad-path-char';

/**
 * Which rule a bare trust domain name broke (SPIFFE-ID.md §2.1).
 *
 * @example
 * ```ts
 * const reason: TrustDomainErrorReason = 'spiffe-id'; // "spiffe://example.org" given where "example.org" was expected
 * ```
 */
export type TrustDomainErrorReason =
  | 'empty'
  | 'trust-domain-too-long'
  | 'bad-trust-domain-char'
  | 'port'
  | 'userinfo'
  | 'percent-encoding'
  | 'non-ascii'
  | 'spiffe-id';

const TRUST_DOMAIN_CHARS = 'trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores';

const ID_MESSAGES: Readonly<Record<SpiffeIdErrorReason, string>> = {
  empty: 'cannot be empty',
  'too-long': 'is longer than 2048 bytes',
  'wrong-scheme': 'scheme is missing or invalid: a SPIFFE ID starts with "spiffe://"',
  'missing-trust-domain': 'trust domain is missing',
  'trust-domain-too-long': 'trust domain is longer than 255 bytes',
  'bad-trust-domain-char': TRUST_DOMAIN_CHARS,
  port: 'trust domain cannot contain a port',
  userinfo: 'trust domain cannot contain userinfo',
  query: 'cannot contain a query',
  fragment: 'cannot contain a fragment',
  'percent-encoding': 'cannot contain percent-encoding',
  'non-ascii': 'must be ASCII',
  'empty-segment': 'path cannot contain empty segments',
  'dot-segment': 'path cannot contain dot segments',
  'trailing-slash': 'path cannot have a trailing slash',
  'bad-path-char': 'path segment characters are limited to letters, numbers, dots, dashes, and underscores',
};

const TRUST_DOMAIN_MESSAGES: Readonly<Record<TrustDomainErrorReason, string>> = {
  empty: 'cannot be empty',
  'trust-domain-too-long': 'is longer than 255 bytes',
  'bad-trust-domain-char': TRUST_DOMAIN_CHARS,
  port: 'cannot contain a port',
  userinfo: 'cannot contain userinfo',
  'percent-encoding': 'cannot contain percent-encoding',
  'non-ascii': 'must be ASCII',
  'spiffe-id': 'must be a bare name such as "example.org", not a SPIFFE ID',
};

function at(detail: string | undefined): string {
  return detail === undefined ? '' : ` (${detail})`;
}

/**
 * A string is not a valid SPIFFE ID. The input itself is not echoed: it may be long or hostile.
 *
 * @example
 * ```ts
 * try { SpiffeId.parse('spiffe://Example.org/a') } catch (err) {
 *   if (err instanceof SpiffeIdError) console.log(err.reason); // 'bad-trust-domain-char'
 * }
 * ```
 */
export class SpiffeIdError extends MeshAuthError {
  readonly code = 'ERR_SPIFFE_ID_INVALID' as const;
  /** The rule that failed. */
  readonly reason: SpiffeIdErrorReason;
  /** Index (UTF-16 code unit) of the offending character, when one character is to blame. */
  readonly index: number | undefined;

  constructor(reason: SpiffeIdErrorReason, detail?: { index: number; char?: string }, options?: { cause?: unknown }) {
    const where = detail === undefined ? undefined : `${detail.char === undefined ? '' : `found ${detail.char} `}at index ${detail.index}`;
    super(`invalid SPIFFE ID: ${ID_MESSAGES[reason]}${at(where)}`, options);
    this.reason = reason;
    this.index = detail?.index;
  }
}

/**
 * A string is not a valid trust domain name.
 *
 * @example
 * ```ts
 * try { TrustDomain.parse('Example.org') } catch (err) {
 *   if (err instanceof TrustDomainError) console.log(err.reason); // 'bad-trust-domain-char'
 * }
 * ```
 */
export class TrustDomainError extends MeshAuthError {
  readonly code = 'ERR_TRUST_DOMAIN_INVALID' as const;
  /** The rule that failed. */
  readonly reason: TrustDomainErrorReason;
  /** Index of the offending character, when one character is to blame. */
  readonly index: number | undefined;

  constructor(reason: TrustDomainErrorReason, detail?: { index: number; char?: string }, options?: { cause?: unknown }) {
    const where = detail === undefined ? undefined : `${detail.char === undefined ? '' : `found ${detail.char} `}at index ${detail.index}`;
    super(`invalid trust domain name: ${TRUST_DOMAIN_MESSAGES[reason]}${at(where)}`, options);
    this.reason = reason;
    this.index = detail?.index;
  }
}
