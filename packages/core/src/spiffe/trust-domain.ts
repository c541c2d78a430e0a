import { AT, COLON, MAX_TRUST_DOMAIN_LENGTH, PERCENT, SCHEME_PREFIX, describeChar, isTrustDomainChar } from './chars.js';
import { TrustDomainError } from './spiffe-id-error.js';

/** Reasons a single character of a trust domain can be wrong; shared by both parsers. @internal */
export type TrustDomainCharReason = 'port' | 'userinfo' | 'percent-encoding' | 'non-ascii' | 'bad-trust-domain-char';

/**
 * Names the rule broken by the bad character at `s[i]` inside a trust domain ending at `end`.
 * `:` is a port unless an `@` follows it (`user:pass@td` is userinfo). Only called once, right
 * before throwing, so the look-ahead keeps parsing linear.
 * @internal
 */
export function trustDomainCharReason(s: string, i: number, end: number): TrustDomainCharReason {
  const c = s.charCodeAt(i);
  if (c === AT) return 'userinfo';
  if (c === COLON) {
    for (let j = i + 1; j < end; j++) if (s.charCodeAt(j) === AT) return 'userinfo';
    return 'port';
  }
  if (c === PERCENT) return 'percent-encoding';
  if (c >= 0x80) return 'non-ascii';
  return 'bad-trust-domain-char';
}

let fromValidated: (name: string) => TrustDomain;

/**
 * A SPIFFE trust domain: the `example.org` of `spiffe://example.org/ns/a/sa/b`.
 *
 * Names are compared byte-exactly and never case-folded: `Example.org` is rejected rather than
 * lowercased (SPIFFE-ID.md §2.1; go-spiffe spiffeid/trustdomain.go does the same).
 *
 * @example
 * ```ts
 * const td = TrustDomain.parse('cluster.local');
 * td.idString();                 // 'spiffe://cluster.local'
 * td.equals(TrustDomain.parse('cluster.local')); // true
 * ```
 */
export class TrustDomain {
  /** The trust domain name, e.g. `cluster.local`. */
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  static {
    fromValidated = (name) => new TrustDomain(name);
  }

  /**
   * Parses a bare trust domain name: non-empty, at most 255 bytes, characters `[a-z0-9._-]` only.
   * A full SPIFFE ID is refused (go-spiffe's `TrustDomainFromString` would accept it); take
   * `SpiffeId.parse(id).trustDomain` instead, so configuration says what it means.
   *
   * @throws {TrustDomainError} with a `reason` naming the broken rule.
   * @example
   * ```ts
   * TrustDomain.parse('example.org').name; // 'example.org'
   * TrustDomain.parse('Example.org');      // throws TrustDomainError, reason 'bad-trust-domain-char'
   * ```
   */
  static parse(name: string): TrustDomain {
    const len = name.length;
    if (len === 0) throw new TrustDomainError('empty');
    if (len > MAX_TRUST_DOMAIN_LENGTH) throw new TrustDomainError('trust-domain-too-long');
    for (let i = 0; i < len; i++) {
      const c = name.charCodeAt(i);
      if (isTrustDomainChar(c)) continue;
      // go-spiffe treats any input containing ":/" as a full ID; we refuse it with a pointed message.
      if (name.includes(':/')) throw new TrustDomainError('spiffe-id');
      throw new TrustDomainError(trustDomainCharReason(name, i, len), { index: i, char: describeChar(c) });
    }
    return new TrustDomain(name);
  }

  /**
   * The trust domain's own SPIFFE ID, `spiffe://<name>`.
   *
   * @example
   * ```ts
   * TrustDomain.parse('example.org').idString(); // 'spiffe://example.org'
   * ```
   */
  idString(): string {
    return SCHEME_PREFIX + this.name;
  }

  /**
   * Byte-exact comparison of names.
   *
   * @example
   * ```ts
   * TrustDomain.parse('a.org').equals(TrustDomain.parse('a.org')); // true
   * ```
   */
  equals(other: TrustDomain): boolean {
    return this.name === other.name;
  }

  /**
   * The name, so a trust domain can be used where a string is expected.
   *
   * @example
   * ```ts
   * `${TrustDomain.parse('example.org')}`; // 'example.org'
   * ```
   */
  toString(): string {
    return this.name;
  }

  /**
   * Serialises as the name.
   *
   * @example
   * ```ts
   * JSON.stringify({ td: TrustDomain.parse('example.org') }); // '{"td":"example.org"}'
   * ```
   */
  toJSON(): string {
    return this.name;
  }
}

/**
 * Wraps a name the caller has already checked character by character (the SPIFFE ID parser),
 * so the hot path does not scan the trust domain twice.
 * @internal
 */
export function trustDomainFromValidatedName(name: string): TrustDomain {
  return fromValidated(name);
}
