import { mapFit } from './arrays.js';
import { parsePattern, type StarMeaning } from './match-values.js';
import { isPathTemplate } from './path-template.js';

/**
 * Keys of the rule index (rule-index.ts): what a compiled field says about the requests it can
 * match. A key holds when the request's attribute equals (`exact`), starts with (`prefix`) or ends
 * with (`suffix`) its text; a field yields keys only when every request it matches satisfies one of
 * them, so a rule can be skipped when none of its keys hold. Positive values only: `not…` values and
 * missing attributes never narrow anything.
 */

/** How a key's text is compared with the attribute. */
export type KeyMatch = 'exact' | 'prefix' | 'suffix';

/**
 * The request attribute a key is looked up by: the path, the peer principal, the namespaces of the
 * peer principal (`/ns/<v>/` segments), the method, the host, the request principal (`iss/sub` of the
 * verified JWT), one claim of the verified JWT, or one header.
 */
export type KeyAttribute = 'path' | 'principal' | 'namespace' | 'method' | 'host' | 'requestPrincipal' | 'claim' | 'header';

/**
 * One index key.
 *
 * @example
 * ```ts
 * const k: IndexKey = { on: 'path', attr: 'path', match: 'prefix', text: '/api/', name: [], split: false };
 * ```
 */
export interface IndexKey {
  readonly on: KeyAttribute;
  /** The attribute with its claim path or header name: keys with the same `attr` share lookups. */
  readonly attr: string;
  readonly match: KeyMatch;
  readonly text: string;
  /** `claim`: the claim path; `header`: the lower-case header name in a one-element list; else empty. */
  readonly name: readonly string[];
  /** `claim`: whether a string value is split on spaces first (`space_delimited_claims`). */
  readonly split: boolean;
}

/**
 * The index alternatives of one rule, from the outside in. A rule matches only when all of its
 * sides match (`from` AND `to` AND every condition, model.go), so the keys of any one side cover
 * the rule:
 * - side (`from`, `to`, or one `when` condition): an OR over entries: every entry needs a key, and
 *   the keys of all entries together cover the side;
 * - entry (one `source` or `operation`): an AND over fields: the keys of any one field cover it;
 * - field: an OR over values: every value needs a key, together they cover the field;
 * - value: alternatives, any one of which covers the value.
 */
export type IndexSide = readonly IndexEntry[];
/** See {@link IndexSide}. */
export type IndexEntry = readonly IndexField[];
/** See {@link IndexSide}. */
export type IndexField = readonly IndexValue[];
/** See {@link IndexSide}. */
export type IndexValue = readonly IndexKey[];

const NO_KEYS: IndexValue = Object.freeze([]);

/**
 * A key per value, or `undefined` when some value has none.
 *
 * @example
 * ```ts
 * fieldKeys(['/a', '/b*'], pathKeys); // [[exact /a], [prefix /b]]
 * ```
 */
export function fieldKeys(values: readonly string[], keysOf: (value: string) => IndexValue): IndexField | undefined {
  if (values.length === 0) return undefined;
  const out = mapFit(values, keysOf);
  for (const k of out) if (k.length === 0) return undefined;
  return out;
}

// Never `undefined`: V8 tracks what each field holds, and a field that first held `undefined` and
// later an array makes it throw away the code it optimized for the first kind of key.
const NO_NAME: readonly string[] = [];

function key(on: KeyAttribute, match: KeyMatch, text: string, name: readonly string[] = NO_NAME, split = false): IndexKey {
  let attr: string = on;
  if (on === 'claim') attr = `claim${split ? '+' : '-'}${JSON.stringify(name)}`;
  else if (on === 'header') attr = `header:${name[0] ?? ''}`;
  return { on, attr, match, text, name, split };
}

/**
 * The key of a value matched as Istio's `abc`, `abc*`, `*abc` patterns (match-values.ts); none for a
 * lone `*`.
 *
 * @example
 * ```ts
 * patternKeys('principal', 'cluster.local/ns/shop/*', 'present'); // [prefix 'cluster.local/ns/shop/']
 * ```
 */
export function patternKeys(on: KeyAttribute, value: string, star: StarMeaning, lowerCase = false, name?: readonly string[], split = false): IndexValue {
  const p = parsePattern(value, star, lowerCase);
  if (p.kind === 'exact' || p.kind === 'prefix' || p.kind === 'suffix') return [key(on, p.kind, p.text, name, split)];
  return NO_KEYS;
}

/**
 * Keys of a `paths` value. A template (path-template.ts) is an anchored expression, so the literal
 * segments before its first operator are a prefix of every path it matches (`/a/b/{*}` ⇒ `/a/b/`)
 * and those after its last operator a suffix (`/a/{*}/c` ⇒ `/c`); both are offered, the index picks.
 *
 * @example
 * ```ts
 * pathKeys('/orders/{*}/items'); // [prefix '/orders/', suffix '/items']
 * ```
 */
export function pathKeys(value: string): IndexValue {
  if (!isPathTemplate(value)) return patternKeys('path', value, 'nonEmpty');
  // A valid template has its operators as whole segments: what precedes the first one ends with
  // `/`, and what follows the last one is empty or starts with `/`.
  const one = value.indexOf('{*}');
  const any = value.indexOf('{**}');
  const first = one < 0 ? any : any < 0 ? one : Math.min(one, any);
  const lastOne = value.lastIndexOf('{*}');
  const lastAny = value.lastIndexOf('{**}');
  const end = Math.max(lastOne < 0 ? -1 : lastOne + 3, lastAny < 0 ? -1 : lastAny + 4);
  const prefix = key('path', 'prefix', value.slice(0, first));
  return end < value.length ? [prefix, key('path', 'suffix', value.slice(end))] : [prefix];
}

/**
 * Keys of a `namespaces` value: exact namespaces only (a `*` is a regex wildcard, and a `/` would
 * span segments).
 *
 * @example
 * ```ts
 * namespaceKeys('shop'); // [exact 'shop']
 * ```
 */
export function namespaceKeys(value: string): IndexValue {
  return value.includes('*') || value.includes('/') ? NO_KEYS : [key('namespace', 'exact', value)];
}

/**
 * Keys of a `requestPrincipals` value: exact `iss/sub` values only (requestPrincipalGenerator splits
 * at the last `/` and matches both parts; wildcards stay unindexed).
 *
 * @example
 * ```ts
 * requestPrincipalKeys('https://idp/alice'); // [exact 'https://idp/alice']
 * ```
 */
export function requestPrincipalKeys(value: string): IndexValue {
  return value.startsWith('*') || value.endsWith('*') ? NO_KEYS : [key('requestPrincipal', 'exact', value)];
}

/**
 * Keys of a `serviceAccounts` value: the namespace the regex requires (`/ns/<ns>/`), the policy's
 * own for a bare name.
 *
 * @example
 * ```ts
 * serviceAccountKeys('billing/api', 'shop'); // [exact namespace 'billing']
 * ```
 */
export function serviceAccountKeys(value: string, policyNamespace: string): IndexValue {
  const slash = value.indexOf('/');
  return namespaceKeys(slash < 0 ? policyNamespace : value.slice(0, slash));
}
