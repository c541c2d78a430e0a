import { mapFit } from './arrays.js';
import type { AuthzDecision, RuleRef } from './decision.js';
import { headerValue } from './fields.js';
import type { Pred } from './identity-match.js';
import type { IndexEntry, IndexField, IndexKey, IndexSide, IndexValue, KeyAttribute } from './index-keys.js';
import { claimAt, jwtIdentityPart } from './jwt-match.js';
import type { AuthzRequest } from './request.js';

/**
 * Candidate lookup for a set of rules evaluated in one order. Envoy evaluates the policies of one
 * RBAC filter in the order of their names (`source/extensions/filters/common/rbac/engine_impl.cc`:
 * policies live in a `std::map<std::string, …>` and the first match is the effective policy), so
 * each rule has an ordinal in that order and the lookup returns the matching rule with the smallest
 * ordinal: exactly the rule a plain scan would report.
 *
 * Each rule is filed under the keys of one of its index alternatives (index-keys.ts), the one whose
 * keys are shared by the fewest other rules: exact values in hash maps, prefixes and suffixes in
 * sorted lists. A request looks up each attribute it carries; the rules found there, and the rules
 * without any key, are the candidates, and only they run their matchers.
 */

/**
 * A rule ready for evaluation.
 *
 * @example
 * ```ts
 * const entry: RuleEntry = { policy: 'shop/a', rule: 0, id: 'ns[shop]-policy[a]-rule[0]', ordinal: 0, match, index, decision, provider: undefined };
 * ```
 */
export interface RuleEntry extends RuleRef {
  /** Position in evaluation order within the group. */
  readonly ordinal: number;
  readonly match: Pred;
  /** The rule's index alternatives (compile-rule.ts). */
  readonly index: readonly IndexSide[];
  /** The decision this rule produces when it decides (precomputed, frozen). */
  readonly decision: AuthzDecision;
  /** CUSTOM provider, for CUSTOM rules. */
  readonly provider: string | undefined;
}

type List = readonly RuleEntry[];

/**
 * Runs the matchers of `list` (sorted by ordinal) that come before `best`, skipping rules already
 * run for this request (`seen[ordinal] === gen`), and returns the first match or `best`.
 */
function scan(list: List, req: AuthzRequest, best: RuleEntry | undefined, seen: Uint32Array, gen: number): RuleEntry | undefined {
  const limit = best === undefined ? 0x7fffffff : best.ordinal;
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as RuleEntry;
    const o = r.ordinal;
    if (o >= limit) return best;
    if (seen[o] === gen) continue;
    seen[o] = gen;
    if (r.match(req)) return r;
  }
  return best;
}

/** Order of strings read from their end, so that strings sharing a suffix sort together. */
function compareReversed(a: string, b: string): number {
  let i = a.length - 1;
  let j = b.length - 1;
  while (i >= 0 && j >= 0) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d;
    i--;
    j--;
  }
  return i - j;
}

/**
 * A flat copy of a string. Keys are often slices of policy values, which V8 keeps as views into
 * the whole value; comparisons against such views cost several times more than against flat strings,
 * and the binary searches below compare the request's attribute with about log2(n) keys.
 */
function flat(s: string): string {
  // Shorter strings are copied when sliced, never viewed.
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/**
 * Prefixes (or suffixes) in sorted order, each with the longest other one it extends. Every key that
 * is a prefix of `s` is a prefix of the last key sorting at or before `s` (anything sorting between
 * a prefix of `s` and `s` starts with that prefix), so one binary search and a walk up the chain of
 * that key find them all, without building a string.
 */
class AffixIndex {
  readonly #keys: readonly string[];
  readonly #lists: readonly List[];
  readonly #parent: Int32Array;
  readonly #suffix: boolean;

  constructor(buckets: ReadonlyMap<string, List>, suffix: boolean) {
    // The default sort orders strings by UTF-16 code units, as `<` does.
    const sorted = suffix ? [...buckets.keys()].sort(compareReversed) : [...buckets.keys()].sort();
    const keys = mapFit(sorted, flat);
    const parent = new Int32Array(keys.length);
    const stack: number[] = [];
    keys.forEach((k, i) => {
      // The chain of the previous key holds every earlier key that `k` extends.
      while (stack.length > 0 && !(suffix ? k.endsWith(keys[stack[stack.length - 1] as number] as string) : k.startsWith(keys[stack[stack.length - 1] as number] as string))) stack.pop();
      parent[i] = stack.length > 0 ? (stack[stack.length - 1] as number) : -1;
      stack.push(i);
    });
    this.#keys = keys;
    this.#lists = mapFit(sorted, (k) => buckets.get(k) ?? []);
    this.#parent = parent;
    this.#suffix = suffix;
  }

  probe(s: string, req: AuthzRequest, best: RuleEntry | undefined, seen: Uint32Array, gen: number): RuleEntry | undefined {
    const keys = this.#keys;
    const parent = this.#parent;
    let lo = 0;
    let hi = keys.length;
    let i: number;
    if (this.#suffix) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareReversed(keys[mid] as string, s) <= 0) lo = mid + 1;
        else hi = mid;
      }
      i = lo - 1;
      while (i >= 0 && !s.endsWith(keys[i] as string)) i = parent[i] as number;
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((keys[mid] as string) <= s) lo = mid + 1;
        else hi = mid;
      }
      i = lo - 1;
      while (i >= 0 && !s.startsWith(keys[i] as string)) i = parent[i] as number;
    }
    for (; i >= 0; i = parent[i] as number) best = scan(this.#lists[i] as List, req, best, seen, gen);
    return best;
  }
}

/** Exact values, prefixes and suffixes of one string attribute. */
class StringIndex {
  readonly #exact: ReadonlyMap<string, List> | undefined;
  readonly #prefix: AffixIndex | undefined;
  readonly #suffix: AffixIndex | undefined;

  constructor(b: Buckets) {
    const exact = lists(b.exact);
    const prefix = lists(b.prefix);
    const suffix = lists(b.suffix);
    this.#exact = exact.size > 0 ? exact : undefined;
    this.#prefix = prefix.size > 0 ? new AffixIndex(prefix, false) : undefined;
    this.#suffix = suffix.size > 0 ? new AffixIndex(suffix, true) : undefined;
  }

  probe(s: string, req: AuthzRequest, best: RuleEntry | undefined, seen: Uint32Array, gen: number): RuleEntry | undefined {
    if (this.#exact !== undefined) {
      const list = this.#exact.get(s);
      if (list !== undefined) best = scan(list, req, best, seen, gen);
    }
    if (this.#prefix !== undefined) best = this.#prefix.probe(s, req, best, seen, gen);
    if (this.#suffix !== undefined) best = this.#suffix.probe(s, req, best, seen, gen);
    return best;
  }
}

/** The rules filed under one key, and how many rules offer the key (for choosing). */
interface Slot {
  count: number;
  // Always an array (empty until a rule is filed), so that every slot has the same shape.
  readonly list: RuleEntry[];
}

/** The keys of one attribute (`IndexKey.attr`), by how they match and by text. */
interface Buckets {
  readonly exact: Map<string, Slot>;
  readonly prefix: Map<string, Slot>;
  readonly suffix: Map<string, Slot>;
  /** The key that opened these buckets (claim path, header name). */
  readonly key: IndexKey;
}

/** The filed rules of one kind of key, by key text. */
function lists(slots: ReadonlyMap<string, Slot>): Map<string, RuleEntry[]> {
  const out = new Map<string, RuleEntry[]>();
  for (const [text, slot] of slots) if (slot.list.length > 0) out.set(text, slot.list);
  return out;
}

interface ClaimIndex {
  readonly path: readonly string[];
  readonly split: boolean;
  readonly index: StringIndex;
}

interface HeaderIndex {
  readonly name: string;
  readonly index: StringIndex;
}

// Prefixes and suffixes are looked up by every request that carries the attribute, and a short one
// holds for many of them (`/` for every path): charge them for their shortness on top of the rules
// they share with.
function affixPenalty(k: IndexKey): number {
  return k.match === 'exact' ? 0 : Math.ceil(32 / Math.max(1, k.text.length));
}

/**
 * Every key offered by the rules of a group, with how many rules offer it, and the choice of keys
 * for each rule: the alternative whose candidate lists are expected to be shortest.
 */
class KeyChooser {
  readonly attributes = new Map<string, Buckets>();

  constructor(rules: readonly RuleEntry[]) {
    for (let r = 0; r < rules.length; r++) this.#count((rules[r] as RuleEntry).index);
  }

  #count(sides: readonly IndexSide[]): void {
    for (let a = 0; a < sides.length; a++) {
      const side = sides[a] as IndexSide;
      for (let b = 0; b < side.length; b++) {
        const entry = side[b] as IndexEntry;
        for (let c = 0; c < entry.length; c++) {
          const field = entry[c] as IndexField;
          for (let d = 0; d < field.length; d++) {
            const value = field[d] as IndexValue;
            for (let e = 0; e < value.length; e++) this.#open(value[e] as IndexKey).count++;
          }
        }
      }
    }
  }

  #open(k: IndexKey): Slot {
    let b = this.attributes.get(k.attr);
    if (b === undefined) {
      b = { exact: new Map(), prefix: new Map(), suffix: new Map(), key: k };
      this.attributes.set(k.attr, b);
    }
    const slots = k.match === 'exact' ? b.exact : k.match === 'prefix' ? b.prefix : b.suffix;
    let slot = slots.get(k.text);
    if (slot === undefined) {
      slot = { count: 0, list: [] };
      slots.set(k.text, slot);
    }
    return slot;
  }

  /** Files every rule; returns those without keys, and how many were filed under each attribute. */
  fileAll(rules: readonly RuleEntry[]): { always: RuleEntry[]; filed: Record<string, number> } {
    const always: RuleEntry[] = [];
    const filed: Record<string, number> = {};
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i] as RuleEntry;
      const on = this.file(r);
      if (on === undefined) always.push(r);
      else filed[on] = (filed[on] ?? 0) + 1;
    }
    return { always, filed };
  }

  /** Files `r` under the keys of its cheapest alternative; returns the attribute, `undefined` when it has none. */
  file(r: RuleEntry): KeyAttribute | undefined {
    const sides = r.index;
    let side: IndexSide | undefined = sides[0];
    if (side === undefined) return undefined;
    if (sides.length > 1) {
      let best = this.#sideCost(side);
      for (let i = 1; i < sides.length; i++) {
        const c = this.#sideCost(sides[i] as IndexSide);
        if (c < best) {
          best = c;
          side = sides[i] as IndexSide;
        }
      }
    }
    let on: KeyAttribute | undefined;
    for (let i = 0; i < side.length; i++) {
      const field = this.#bestField(side[i] as IndexEntry);
      for (let j = 0; j < field.length; j++) {
        const k = this.#bestKey(field[j] as IndexValue);
        const slot = this.#open(k);
        if (slot.list[slot.list.length - 1] !== r) slot.list.push(r);
        on ??= k.on;
      }
    }
    return on;
  }

  #cost(k: IndexKey): number {
    return this.#open(k).count + affixPenalty(k);
  }

  #bestKey(value: IndexValue): IndexKey {
    let key = value[0] as IndexKey;
    if (value.length === 1) return key;
    let best = this.#cost(key);
    for (let i = 1; i < value.length; i++) {
      const c = this.#cost(value[i] as IndexKey);
      if (c < best) {
        best = c;
        key = value[i] as IndexKey;
      }
    }
    return key;
  }

  #fieldCost(field: IndexField): number {
    let total = 0;
    for (let i = 0; i < field.length; i++) total += this.#cost(this.#bestKey(field[i] as IndexValue));
    return total;
  }

  #bestField(entry: IndexEntry): IndexField {
    let field = entry[0] as IndexField;
    if (entry.length === 1) return field;
    let best = this.#fieldCost(field);
    for (let i = 1; i < entry.length; i++) {
      const c = this.#fieldCost(entry[i] as IndexField);
      if (c < best) {
        best = c;
        field = entry[i] as IndexField;
      }
    }
    return field;
  }

  #sideCost(side: IndexSide): number {
    let total = 0;
    for (let i = 0; i < side.length; i++) total += this.#fieldCost(this.#bestField(side[i] as IndexEntry));
    return total;
  }
}

function push(map: Map<string, RuleEntry[]>, key: string, r: RuleEntry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [r]);
  else if (list[list.length - 1] !== r) list.push(r);
}

function stringIndex(b: Buckets | undefined): StringIndex | undefined {
  return b === undefined ? undefined : new StringIndex(b);
}

/**
 * Request-principal values by `iss`, then `sub`: requestPrincipalGenerator splits a value at its
 * last `/` (no `/`: the whole value is `iss`, and `sub` must be empty).
 */
function byIssuer(byValue: ReadonlyMap<string, RuleEntry[]>): Map<string, Map<string, RuleEntry[]>> {
  const byIss = new Map<string, Map<string, RuleEntry[]>>();
  for (const [value, list] of byValue) {
    const slash = value.lastIndexOf('/');
    const iss = slash < 0 ? value : value.slice(0, slash);
    const sub = slash < 0 ? '' : value.slice(slash + 1);
    const bySub = byIss.get(iss) ?? new Map<string, RuleEntry[]>();
    byIss.set(iss, bySub);
    for (const r of list) push(bySub, sub, r);
  }
  // Lists merged from several values must stay in ordinal order.
  for (const bySub of byIss.values()) for (const list of bySub.values()) list.sort((a, b) => a.ordinal - b.ordinal);
  return byIss;
}

/**
 * The rules of one group, indexed.
 *
 * @example
 * ```ts
 * const group = new RuleGroup(entries, new Set(['scope', 'permission']));
 * const first = group.first(req); // the rule Envoy would report, or undefined
 * ```
 */
export class RuleGroup {
  /** Every rule, in evaluation order. */
  readonly rules: readonly RuleEntry[];
  readonly #spaceDelimited: ReadonlySet<string>;
  readonly #always: List;
  readonly #path: StringIndex | undefined;
  readonly #method: StringIndex | undefined;
  readonly #host: StringIndex | undefined;
  readonly #principal: StringIndex | undefined;
  readonly #namespace: ReadonlyMap<string, List> | undefined;
  readonly #requestPrincipal: ReadonlyMap<string, ReadonlyMap<string, List>> | undefined;
  readonly #claims: readonly ClaimIndex[];
  readonly #headers: readonly HeaderIndex[];
  /** Rules already run for the current request: `#seen[ordinal] === #gen`. */
  readonly #seen: Uint32Array;
  #gen = 0;
  readonly #filed: Readonly<Record<string, number>>;

  /** `rules` must be sorted by ordinal, ordinals `0..n-1`. */
  constructor(rules: readonly RuleEntry[], spaceDelimited: ReadonlySet<string>) {
    this.rules = rules;
    this.#spaceDelimited = spaceDelimited;
    this.#seen = new Uint32Array(rules.length);
    const chooser = new KeyChooser(rules);
    const { always, filed } = chooser.fileAll(rules);
    const attributes = chooser.attributes;
    this.#always = always;
    this.#filed = filed;
    this.#path = stringIndex(attributes.get('path'));
    this.#method = stringIndex(attributes.get('method'));
    this.#host = stringIndex(attributes.get('host'));
    this.#principal = stringIndex(attributes.get('principal'));
    const ns = attributes.get('namespace');
    this.#namespace = ns === undefined ? undefined : lists(ns.exact);
    const rp = attributes.get('requestPrincipal');
    this.#requestPrincipal = rp === undefined ? undefined : byIssuer(lists(rp.exact));
    const claims: ClaimIndex[] = [];
    const headers: HeaderIndex[] = [];
    for (const b of attributes.values()) {
      if (b.key.on === 'claim') claims.push({ path: b.key.name, split: b.key.split, index: new StringIndex(b) });
      else if (b.key.on === 'header') headers.push({ name: b.key.name[0] ?? '', index: new StringIndex(b) });
    }
    this.#claims = claims;
    this.#headers = headers;
  }

  /** The first matching rule in evaluation order, or `undefined`. */
  first(req: AuthzRequest): RuleEntry | undefined {
    const seen = this.#seen;
    let gen = (this.#gen + 1) >>> 0;
    if (gen === 0) {
      seen.fill(0);
      gen = 1;
    }
    this.#gen = gen;
    let best = this.#always.length > 0 ? scan(this.#always, req, undefined, seen, gen) : undefined;
    if (this.#path !== undefined) best = this.#path.probe(req.path, req, best, seen, gen);
    const peer = req.peer;
    if (peer !== undefined) {
      if (this.#principal !== undefined) best = this.#principal.probe(peer.principal, req, best, seen, gen);
      if (this.#namespace !== undefined) best = this.#scanNamespaces(this.#namespace, peer.principal, req, best, seen, gen);
    }
    const auth = req.auth;
    if (auth !== undefined) {
      for (const c of this.#claims) best = probeClaim(c, claimAt(auth.claims, c.path), req, best, seen, gen);
      if (this.#requestPrincipal !== undefined) {
        const iss = jwtIdentityPart(req, 'iss', this.#spaceDelimited);
        const bySub = iss === undefined ? undefined : this.#requestPrincipal.get(iss);
        if (bySub !== undefined) {
          const sub = jwtIdentityPart(req, 'sub', this.#spaceDelimited);
          const list = sub === undefined ? undefined : bySub.get(sub);
          if (list !== undefined) best = scan(list, req, best, seen, gen);
        }
      }
    }
    if (this.#method !== undefined) best = this.#method.probe(req.method, req, best, seen, gen);
    if (this.#host !== undefined) best = this.#host.probe(req.host, req, best, seen, gen);
    for (const h of this.#headers) {
      const v = headerValue(req, h.name);
      if (v !== undefined) best = h.index.probe(v, req, best, seen, gen);
    }
    return best;
  }

  // Every `<v>` with `/ns/<v>/` in `spiffe://<principal>` (see forEachPrincipalNamespace in
  // identity-match.ts), inlined so that the hot path allocates no closure.
  #scanNamespaces(map: ReadonlyMap<string, List>, p: string, req: AuthzRequest, best: RuleEntry | undefined, seen: Uint32Array, gen: number): RuleEntry | undefined {
    if (p.startsWith('ns/')) {
      const end = p.indexOf('/', 3);
      const list = end === -1 ? undefined : map.get(p.slice(3, end));
      if (list !== undefined) best = scan(list, req, best, seen, gen);
    }
    let from = p.indexOf('/ns/');
    while (from !== -1) {
      const end = p.indexOf('/', from + 4);
      if (end === -1) break;
      const list = map.get(p.slice(from + 4, end));
      if (list !== undefined) best = scan(list, req, best, seen, gen);
      from = p.indexOf('/ns/', from + 1);
    }
    return best;
  }

  /** How many rules are always checked, and how many are filed under each attribute. */
  stats(): { readonly always: number; readonly indexed: Readonly<Record<string, number>> } {
    return { always: this.#always.length, indexed: this.#filed };
  }
}

/**
 * A claim's strings as jwt_authn leaves them in metadata: a string (split on spaces into its tokens
 * for `space_delimited_claims`, unless it has none), or the string elements of a list.
 */
function probeClaim(c: ClaimIndex, v: unknown, req: AuthzRequest, best: RuleEntry | undefined, seen: Uint32Array, gen: number): RuleEntry | undefined {
  if (typeof v === 'string') {
    if (!c.split) return c.index.probe(v, req, best, seen, gen);
    let found = false;
    let start = 0;
    for (let i = 0; i <= v.length; i++) {
      if (i === v.length || v.charCodeAt(i) === 32) {
        if (i > start) {
          found = true;
          best = c.index.probe(v.slice(start, i), req, best, seen, gen);
        }
        start = i + 1;
      }
    }
    return found ? best : c.index.probe(v, req, best, seen, gen);
  }
  if (Array.isArray(v)) {
    for (const e of v) if (typeof e === 'string') best = c.index.probe(e, req, best, seen, gen);
  }
  return best;
}
