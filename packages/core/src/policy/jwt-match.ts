import type { Pred } from './identity-match.js';
import { PatternSet, parsePattern, type StringPattern } from './match-values.js';
import type { AuthzRequest } from './request.js';

/**
 * Matchers on the verified JWT, as Envoy matches jwt_authn's `payload` metadata with the matchers
 * istiod generates (`pilot/pkg/security/authz/model/generator.go`, `matcher/metadata.go`):
 * - only string values match; a list matches when one string element does (`list.one_of`);
 *   booleans, numbers and objects never match, and a path cannot descend into a list;
 * - claims named in `space_delimited_claims` (`scope`, `permission`, plus configured ones) are
 *   split on spaces into a list first (jwt_authn `setPayloadMetadata`, `absl::SkipEmpty`; a value
 *   with no token stays a string);
 * - no JWT or no claim is a missing attribute: positive matchers false, `notValues` true.
 */

/**
 * Reads a claim by path from the payload; `undefined` when any step is missing or not an object.
 *
 * @example
 * ```ts
 * claimAt({ org: { team: 'a' } }, ['org', 'team']); // 'a'
 * ```
 */
export function claimAt(claims: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let v: unknown = claims;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Whether a space-delimited string matches as the list of its tokens (no substring is built). */
function testTokens(set: PatternSet, s: string): boolean {
  let found = false;
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s.charCodeAt(i) === 32) {
      if (i > start) {
        found = true;
        if (set.testRange(s, start, i)) return true;
      }
      start = i + 1;
    }
  }
  // No token: jwt_authn leaves the claim a string.
  return !found && set.test(s);
}

/** A string value, or any string element of a list value. */
function testValue(set: PatternSet, v: unknown): boolean {
  if (typeof v === 'string') return set.test(v);
  if (Array.isArray(v)) {
    for (const e of v) if (typeof e === 'string' && set.test(e)) return true;
  }
  return false;
}

/**
 * `request.auth.claims[a][b]…`: `OR(list.one_of(OR(values)), OR(values))` at the claim path.
 *
 * @example
 * ```ts
 * claimsMatcher(['groups'], ['admins'], new Set(['scope']))({ ...req, auth: { claims: { groups: ['dev', 'admins'] } } }); // true
 * ```
 */
export function claimsMatcher(path: readonly string[], values: readonly string[], spaceDelimited: ReadonlySet<string>): Pred {
  const set = new PatternSet(values.map((v) => parsePattern(v, 'nonEmpty')));
  const split = path.length === 1 && spaceDelimited.has(path[0] as string);
  return (req) => {
    const auth = req.auth;
    if (auth === undefined) return false;
    const v = claimAt(auth.claims, path);
    if (split && typeof v === 'string') return testTokens(set, v);
    return testValue(set, v);
  };
}

/** Reads a top-level string claim as Envoy's metadata would hold it (split claims become lists). */
function stringClaim(req: AuthzRequest, name: string, spaceDelimited: ReadonlySet<string>): string | undefined {
  const v = req.auth?.claims[name];
  if (typeof v !== 'string') return undefined;
  if (spaceDelimited.has(name) && v.split(' ').some((t) => t !== '')) return undefined;
  return v;
}

/**
 * The `iss` (or `sub`) a request principal is matched against: the payload claim, or, when the
 * payload has neither `iss` nor `sub`, the part of `auth.principal` before (after) its last `/`.
 *
 * @example
 * ```ts
 * jwtIdentityPart({ ...req, auth: { claims: { iss: 'https://idp', sub: 'alice' } } }, 'sub', new Set()); // 'alice'
 * ```
 */
export function jwtIdentityPart(req: AuthzRequest, part: 'iss' | 'sub', spaceDelimited: ReadonlySet<string>): string | undefined {
  const auth = req.auth;
  if (auth === undefined) return undefined;
  const { claims, principal } = auth;
  if (claims['iss'] === undefined && claims['sub'] === undefined && typeof principal === 'string') {
    const idx = principal.lastIndexOf('/');
    if (part === 'iss') return idx < 0 ? principal : principal.slice(0, idx);
    return idx < 0 ? undefined : principal.slice(idx + 1);
  }
  return stringClaim(req, part, spaceDelimited);
}

interface IssSub {
  readonly iss: StringPattern;
  readonly sub: StringPattern;
}

const ANY: StringPattern = { kind: 'nonEmpty', text: '', value: '*' };
const exact = (text: string): StringPattern => ({ kind: 'exact', text, value: text });

/**
 * requestPrincipalGenerator.extendedPrincipal: the value is split at its last `/` into iss and sub,
 * matched separately against the `iss` and `sub` claims, both required (authorization-policy.md §5.2).
 */
function parseRequestPrincipal(value: string): IssSub {
  const idx = value.lastIndexOf('/');
  const found = idx >= 0;
  const iss = found ? value.slice(0, idx) : value;
  const sub = found ? value.slice(idx + 1) : '';
  if (value === '*') return { iss: ANY, sub: ANY };
  if (value.startsWith('*')) {
    if (found) return { iss: iss === '*' ? ANY : { kind: 'suffix', text: iss.slice(1), value }, sub: exact(sub) };
    return { iss: ANY, sub: { kind: 'suffix', text: value.slice(1), value } };
  }
  if (value.endsWith('*')) {
    if (found) return { iss: exact(iss), sub: sub === '*' ? ANY : { kind: 'prefix', text: sub.slice(0, -1), value } };
    return { iss: { kind: 'prefix', text: value.slice(0, -1), value }, sub: ANY };
  }
  return { iss: exact(iss), sub: exact(sub) };
}

function one(p: StringPattern, s: string | undefined): boolean {
  if (s === undefined) return false;
  switch (p.kind) {
    case 'exact':
      return s === p.text;
    case 'prefix':
      return s.startsWith(p.text);
    case 'suffix':
      return s.endsWith(p.text);
    default:
      return s.length > 0;
  }
}

/**
 * `requestPrincipals`, `request.auth.principal`.
 *
 * @example
 * ```ts
 * requestPrincipalsMatcher(['https://idp/*'], new Set())({ ...req, auth: { claims: { iss: 'https://idp', sub: 'a' } } }); // true
 * ```
 */
export function requestPrincipalsMatcher(values: readonly string[], spaceDelimited: ReadonlySet<string>): Pred {
  const parsed = values.map(parseRequestPrincipal);
  return (req) => {
    if (req.auth === undefined) return false;
    const iss = jwtIdentityPart(req, 'iss', spaceDelimited);
    const sub = jwtIdentityPart(req, 'sub', spaceDelimited);
    for (const p of parsed) if (one(p.iss, iss) && one(p.sub, sub)) return true;
    return false;
  };
}

/**
 * `request.auth.audiences` (`aud`) and `request.auth.presenter` (`azp`): string or list claim,
 * falling back to `auth.audiences` / `auth.presenter` when the payload lacks the claim.
 *
 * @example
 * ```ts
 * jwtClaimMatcher('aud', ['api'], new Set())({ ...req, auth: { claims: { aud: ['web', 'api'] } } }); // true
 * ```
 */
export function jwtClaimMatcher(claim: 'aud' | 'azp', values: readonly string[], spaceDelimited: ReadonlySet<string>): Pred {
  const set = new PatternSet(values.map((v) => parsePattern(v, 'nonEmpty')));
  const split = spaceDelimited.has(claim);
  return (req) => {
    const auth = req.auth;
    if (auth === undefined) return false;
    let v: unknown = auth.claims[claim];
    if (v === undefined) v = claim === 'aud' ? auth.audiences : auth.presenter;
    if (split && typeof v === 'string') return testTokens(set, v);
    return testValue(set, v);
  };
}
