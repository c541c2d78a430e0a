import { checkTime } from './claims.js';
import type { CompiledRule } from './compile-rules.js';
import type { FoundToken, TokenLocation } from './extract-token.js';
import { parseJwt, type ParsedJwt } from './jwt-parse.js';
import type { KeyStore } from './key-store.js';
import { outputHeaders } from './outputs.js';
import type { AuthnReason } from './reasons.js';
import type { AuthnPass, VerifiedJwt } from './result.js';
import type { VerifiedTokenCache } from './token-cache.js';
import { verifyWithKeys } from './verify-jwt.js';

/**
 * Validating one token found at one location, in Envoy's order (jwt_authn `authenticator.cc`
 * startVerify; reference §4): size, parse, issuer (chosen among the rules reading the location),
 * time, audience, keys, signature. Time and audience come before the signature as in Envoy, so a
 * forged token with a wrong audience gets 403; only the status is meaningful then.
 *
 * When several rules read the location and accept the token's `iss` (duplicate issuers, or rules
 * without an issuer), each is tried in rule order and the token passes if one verifies it, which
 * is what Envoy's `requires_any` over the providers does; the last failure is reported.
 *
 * Synchronous unless keys must be fetched: a verified-token cache hit, a parse failure and a
 * verification with keys in memory never create a promise.
 */

/**
 * A verified token with everything needed to answer for it again: stored in the cache.
 *
 * @example
 * ```ts
 * const outcome = verifier.check(found, Date.now());
 * if (typeof outcome === 'object' && !(outcome instanceof Promise)) console.log(outcome.auth.principal);
 * ```
 */
export interface VerifiedToken {
  readonly rule: number;
  /** The key set that verified it: a cache hit is only honoured while the rule still uses it. */
  readonly store: KeyStore;
  readonly auth: VerifiedJwt;
  readonly outputs: Readonly<Record<string, string>>;
  /** Pass results per location index, built on first use (header locations only). */
  readonly passes: (AuthnPass | undefined)[];
}

/**
 * A token's outcome: verified, or why not.
 *
 * @example
 * ```ts
 * const o: TokenOutcome = 'JWT_EXPIRED';
 * ```
 */
export type TokenOutcome = VerifiedToken | AuthnReason;

interface IssuerIndex {
  readonly byIssuer: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly anyIssuer: readonly CompiledRule[];
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

/**
 * Verifies tokens for one set of compiled rules.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier(rules, extractor.locations, cache, 8192, 300_000, Date.now);
 * ```
 */
export class TokenVerifier {
  private readonly index: readonly IssuerIndex[];

  constructor(
    private readonly rules: readonly CompiledRule[],
    locations: readonly TokenLocation[],
    private readonly cache: VerifiedTokenCache<VerifiedToken> | undefined,
    private readonly maxTokenBytes: number,
    private readonly maxAgeMs: number,
    private readonly clock: () => number,
  ) {
    this.index = locations.map((loc) => {
      const byIssuer = new Map<string, CompiledRule[]>();
      const anyIssuer: CompiledRule[] = [];
      for (const i of loc.rules) {
        const r = rules[i] as CompiledRule;
        // Envoy JwtIssuerChecker: an empty issuer allows every `iss`.
        if (r.issuer === '') anyIssuer.push(r);
        else {
          const list = byIssuer.get(r.issuer);
          if (list === undefined) byIssuer.set(r.issuer, [r]);
          else list.push(r);
        }
      }
      return { byIssuer, anyIssuer };
    });
  }

  /**
   * The outcome for one found token.
   *
   * @example
   * ```ts
   * const o = verifier.check({ location, token }, Date.now());
   * ```
   */
  check(found: FoundToken, nowMs: number): TokenOutcome | Promise<TokenOutcome> {
    const { token, location } = found;
    const cache = this.cache;
    if (cache !== undefined) {
      const hit = cache.get(token, nowMs);
      if (hit !== undefined && location.rules.includes(hit.rule) && this.rules[hit.rule]?.source.keys(nowMs) === hit.store) return hit;
    }
    // A size limit answered before any parsing or crypto work.
    if (token.length > this.maxTokenBytes) return 'JWT_TOO_LARGE';
    const parsed = parseJwt(token);
    if (typeof parsed === 'string') return parsed;
    const idx = this.index[location.index] as IssuerIndex;
    const iss = parsed.claims.iss;
    const exact = iss === undefined || iss === '' ? undefined : idx.byIssuer.get(iss);
    const candidates = exact === undefined ? idx.anyIssuer : idx.anyIssuer.length === 0 ? exact : [...exact, ...idx.anyIssuer];
    if (candidates.length === 0) return 'JWT_UNKNOWN_ISSUER';
    return this.tryRules(parsed, candidates, 0, nowMs, 'JWT_UNKNOWN_ISSUER');
  }

  private tryRules(parsed: ParsedJwt, candidates: readonly CompiledRule[], from: number, nowMs: number, last: AuthnReason): TokenOutcome | Promise<TokenOutcome> {
    for (let i = from; i < candidates.length; i++) {
      const outcome = this.checkRule(parsed, candidates[i] as CompiledRule, nowMs);
      if (outcome instanceof Promise) {
        return outcome.then((o) => (typeof o === 'string' ? this.tryRules(parsed, candidates, i + 1, this.clock(), o) : o));
      }
      if (typeof outcome !== 'string') return outcome;
      last = outcome;
    }
    return last;
  }

  private checkRule(parsed: ParsedJwt, rule: CompiledRule, nowMs: number): TokenOutcome | Promise<TokenOutcome> {
    const time = checkTime(parsed.claims, Math.floor(nowMs / 1000));
    if (time === 'expired') return 'JWT_EXPIRED';
    if (time === 'not-yet-valid') return 'JWT_NOT_YET_VALID';
    if (rule.audiences !== undefined && !rule.audiences.allows(parsed.claims.audiences)) return 'JWT_AUDIENCE_NOT_ALLOWED';
    const store = rule.source.keys(nowMs);
    if (store !== undefined) return this.verifyWith(parsed, rule, store, nowMs, true);
    // No usable keys held: wait for a fetch if one may run now, else fail closed at once.
    const pending = rule.source.fetchNow(nowMs, 'missing');
    if (pending === undefined) return 'JWKS_FETCH_FAILED';
    return pending.then((s) => (s === undefined ? 'JWKS_FETCH_FAILED' : this.verifyWith(parsed, rule, s, this.clock(), false)));
  }

  private verifyWith(parsed: ParsedJwt, rule: CompiledRule, store: KeyStore, nowMs: number, mayRefetch: boolean): TokenOutcome | Promise<TokenOutcome> {
    const r = verifyWithKeys(parsed, store);
    if (r.ok) return this.remember(parsed, rule, store, nowMs);
    if (mayRefetch && (r.reason === 'JWKS_NO_MATCHING_KEY' || r.reason === 'JWKS_NO_VALID_KEYS')) {
      // A new `kid` may mean the issuer rotated keys: refetch, unless one was tried too recently.
      const pending = rule.source.fetchNow(nowMs, 'unknown-kid');
      if (pending !== undefined) {
        return pending.then((s) => (s === undefined || s === store ? r.reason : this.verifyWith(parsed, rule, s, this.clock(), false)));
      }
    }
    return r.reason;
  }

  private remember(parsed: ParsedJwt, rule: CompiledRule, store: KeyStore, nowMs: number): VerifiedToken {
    const { iss, sub, exp, audiences, azp } = parsed.claims;
    const auth: VerifiedJwt = deepFreeze({
      principal: iss && sub ? `${iss}/${sub}` : undefined,
      issuer: iss,
      subject: sub,
      audiences,
      presenter: azp,
      claims: parsed.payload,
      expiresAt: exp === 0 ? undefined : exp * 1000,
      spaceDelimitedClaims: rule.spaceDelimited,
      rule: rule.index,
    });
    const verified: VerifiedToken = {
      rule: rule.index,
      store,
      auth,
      outputs: outputHeaders(parsed.payload, parsed.payloadSegment, rule.payloadHeader, rule.claimOutputs),
      passes: [],
    };
    // Never past `exp`; a token without `exp` is kept for `maxAgeMs` at most. A token with `=`
    // padding is not kept: the header fast path (KnownTokens) relies on cached tokens holding
    // only the characters extraction takes.
    const until = exp === 0 ? nowMs + this.maxAgeMs : exp * 1000;
    if (this.cache !== undefined && until > nowMs && !parsed.token.includes('=')) this.cache.set(parsed.token, verified, until);
    return verified;
  }
}
