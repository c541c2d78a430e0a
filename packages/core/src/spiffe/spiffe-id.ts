import {
  DOT, HASH, MAX_ID_LENGTH, MAX_TRUST_DOMAIN_LENGTH, PERCENT, QUESTION, SCHEME_PREFIX, SLASH,
  describeChar, isPathSegmentChar, isTrustDomainChar,
} from './chars.js';
import { SpiffeIdError, type SpiffeIdErrorReason } from './spiffe-id-error.js';
import { TrustDomain, trustDomainCharReason, trustDomainFromValidatedName } from './trust-domain.js';

const SCHEME_LENGTH = SCHEME_PREFIX.length;
const NO_SEGMENTS: readonly string[] = Object.freeze([]);

function pathCharReason(c: number): SpiffeIdErrorReason {
  if (c === QUESTION) return 'query';
  if (c === HASH) return 'fragment';
  if (c === PERCENT) return 'percent-encoding';
  if (c >= 0x80) return 'non-ascii';
  return 'bad-path-char';
}

function isDotSegment(s: string, start: number, end: number): boolean {
  const n = end - start;
  return (n === 1 || n === 2) && s.charCodeAt(start) === DOT && s.charCodeAt(end - 1) === DOT;
}

/** Checks one segment of `fromSegments`; the same rules `parse` applies inline. */
function checkSegment(segment: string): void {
  if (segment.length === 0) throw new SpiffeIdError('empty-segment');
  if (isDotSegment(segment, 0, segment.length)) throw new SpiffeIdError('dot-segment');
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (!isPathSegmentChar(c)) throw new SpiffeIdError(pathCharReason(c), { index: i, char: describeChar(c) });
  }
}

/**
 * A parsed, valid SPIFFE ID (spiffe/standards/SPIFFE-ID.md), e.g. `spiffe://cluster.local/ns/shop/sa/frontend`.
 *
 * Values are immutable and compared byte-exactly. Build them with {@link SpiffeId.parse} or
 * {@link SpiffeId.fromSegments}, never by string concatenation.
 *
 * @example
 * ```ts
 * const id = SpiffeId.parse('spiffe://cluster.local/ns/shop/sa/frontend');
 * id.trustDomain.name; // 'cluster.local'
 * id.path;             // '/ns/shop/sa/frontend'
 * id.segments;         // ['ns', 'shop', 'sa', 'frontend']
 * id.memberOf('cluster.local'); // true
 * ```
 */
export class SpiffeId {
  /** The trust domain the ID belongs to. */
  readonly trustDomain: TrustDomain;
  /** The path: `''` for a trust-domain-only ID, otherwise `/seg/seg...` without a trailing slash. */
  readonly path: string;
  /** The path's segments (frozen); empty for a trust-domain-only ID. */
  readonly segments: readonly string[];
  readonly #id: string;

  private constructor(trustDomain: TrustDomain, path: string, segments: readonly string[], id: string) {
    this.trustDomain = trustDomain;
    this.path = path;
    this.segments = segments;
    this.#id = id;
  }

  /**
   * Parses a SPIFFE ID in one pass over its character codes (no regex, no decoding, no trimming).
   *
   * Rules (SPIFFE-ID.md §2; go-spiffe spiffeid/id.go `FromString`): the scheme is literally
   * `spiffe://`; the trust domain is non-empty `[a-z0-9._-]`, at most 255 bytes, with no port or
   * userinfo; the optional path is `/`-separated non-empty `[a-zA-Z0-9._-]` segments that are not
   * `.` or `..`, with no trailing slash; no query, fragment or percent-encoding; ASCII only; at most
   * 2048 bytes in all (§2.3, which go-spiffe does not enforce).
   *
   * @throws {SpiffeIdError} with a `reason` naming the broken rule.
   * @example
   * ```ts
   * SpiffeId.parse('spiffe://example.org/billing/api').path; // '/billing/api'
   * SpiffeId.parse('spiffe://example.org/a/../b');           // throws SpiffeIdError, reason 'dot-segment'
   * ```
   */
  static parse(id: string): SpiffeId {
    const len = id.length;
    if (len === 0) throw new SpiffeIdError('empty');
    // A string longer than 2048 UTF-16 units has more than 2048 UTF-8 bytes; shorter strings with
    // non-ASCII characters are rejected below, so `length` is an exact byte bound here.
    if (len > MAX_ID_LENGTH) throw new SpiffeIdError('too-long');
    if (!id.startsWith(SCHEME_PREFIX)) throw new SpiffeIdError('wrong-scheme');

    let i = SCHEME_LENGTH;
    for (; i < len; i++) {
      const c = id.charCodeAt(i);
      if (c === SLASH) break;
      if (isTrustDomainChar(c)) continue;
      // A query or fragment directly after the trust domain is reported as such, not as a bad character.
      let end = id.indexOf('/', i);
      if (end < 0) end = len;
      const reason = c === QUESTION ? 'query' : c === HASH ? 'fragment' : trustDomainCharReason(id, i, end);
      throw new SpiffeIdError(reason, { index: i, char: describeChar(c) });
    }
    const tdLength = i - SCHEME_LENGTH;
    if (tdLength === 0) throw new SpiffeIdError('missing-trust-domain');
    if (tdLength > MAX_TRUST_DOMAIN_LENGTH) throw new SpiffeIdError('trust-domain-too-long');
    const trustDomain = trustDomainFromValidatedName(id.slice(SCHEME_LENGTH, i));
    if (i === len) return new SpiffeId(trustDomain, '', NO_SEGMENTS, id);

    // Path: `i` is at a '/'. Each iteration ends a segment at the next '/' or at the end.
    const pathStart = i;
    const segments: string[] = [];
    let start = i + 1;
    for (let j = start; ; j++) {
      if (j === len || id.charCodeAt(j) === SLASH) {
        if (j === start) throw new SpiffeIdError(j === len ? 'trailing-slash' : 'empty-segment', { index: j - 1 });
        if (isDotSegment(id, start, j)) throw new SpiffeIdError('dot-segment', { index: start });
        segments.push(id.slice(start, j));
        if (j === len) break;
        start = j + 1;
        continue;
      }
      const c = id.charCodeAt(j);
      if (!isPathSegmentChar(c)) throw new SpiffeIdError(pathCharReason(c), { index: j, char: describeChar(c) });
    }
    return new SpiffeId(trustDomain, id.slice(pathStart), Object.freeze(segments), id);
  }

  /**
   * Builds an ID from a trust domain and path segments, each checked like a parsed segment
   * (go-spiffe spiffeid/id.go `FromSegments`).
   *
   * @throws {TrustDomainError} when `trustDomain` is a string that is not a valid name.
   * @throws {SpiffeIdError} when a segment is empty, `.`/`..`, contains a character outside
   *   `[a-zA-Z0-9._-]` (including `/`), or the result exceeds 2048 bytes.
   * @example
   * ```ts
   * SpiffeId.fromSegments('cluster.local', 'ns', 'shop', 'sa', 'frontend').toString();
   * // 'spiffe://cluster.local/ns/shop/sa/frontend'
   * ```
   */
  static fromSegments(trustDomain: TrustDomain | string, ...segments: string[]): SpiffeId {
    const td = typeof trustDomain === 'string' ? TrustDomain.parse(trustDomain) : trustDomain;
    let path = '';
    for (const segment of segments) {
      checkSegment(segment);
      path += '/' + segment;
    }
    const id = td.idString() + path;
    if (id.length > MAX_ID_LENGTH) throw new SpiffeIdError('too-long');
    return new SpiffeId(td, path, Object.freeze([...segments]), id);
  }

  /**
   * Whether the ID belongs to a trust domain (byte-exact name comparison).
   *
   * @example
   * ```ts
   * SpiffeId.parse('spiffe://example.org/a').memberOf('example.org'); // true
   * ```
   */
  memberOf(trustDomain: TrustDomain | string): boolean {
    return this.trustDomain.name === (typeof trustDomain === 'string' ? trustDomain : trustDomain.name);
  }

  /**
   * Byte-exact comparison (SPIFFE-ID.md §2.4: IDs are compared as strings, without normalisation).
   *
   * @example
   * ```ts
   * SpiffeId.parse('spiffe://a.org/x').equals(SpiffeId.fromSegments('a.org', 'x')); // true
   * ```
   */
  equals(other: SpiffeId): boolean {
    return this.#id === other.toString();
  }

  /**
   * The full ID, `spiffe://<trust domain><path>`.
   *
   * @example
   * ```ts
   * String(SpiffeId.fromSegments('a.org', 'x')); // 'spiffe://a.org/x'
   * ```
   */
  toString(): string {
    return this.#id;
  }

  /**
   * Serialises as the full ID string.
   *
   * @example
   * ```ts
   * JSON.stringify({ caller: SpiffeId.parse('spiffe://a.org/x') }); // '{"caller":"spiffe://a.org/x"}'
   * ```
   */
  toJSON(): string {
    return this.#id;
  }
}
