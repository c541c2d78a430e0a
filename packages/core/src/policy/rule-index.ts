import type { AuthzDecision, RuleRef } from './decision.js';
import { requestPathKey, type IndexDimension } from './fields.js';
import type { Pred } from './identity-match.js';
import type { AuthzRequest } from './request.js';

/**
 * Candidate lookup for a set of rules of one action. Envoy evaluates the policies of one RBAC filter
 * in the order of their names (`engine_impl.cc`: policies live in a `std::map<std::string, …>` and
 * the first match is the effective policy), so each rule has an ordinal in that order and the
 * lookup returns the matching rule with the smallest ordinal. Rules are filed under one dimension
 * (exact principal, namespace, HTTP method or first path segment) when every request they can match
 * carries one of their keys; the others are always candidates.
 */

/**
 * A rule ready for evaluation.
 *
 * @example
 * ```ts
 * const entry: RuleEntry = { policy: 'shop/a', rule: 0, id: 'ns[shop]-policy[a]-rule[0]', ordinal: 0, match, keys, decision };
 * ```
 */
export interface RuleEntry extends RuleRef {
  /** Position in Envoy's evaluation order within the group. */
  readonly ordinal: number;
  readonly match: Pred;
  readonly keys: ReadonlyMap<IndexDimension, readonly string[]>;
  /** The decision this rule produces when it decides (precomputed, frozen). */
  readonly decision: AuthzDecision;
  /** CUSTOM provider, for CUSTOM rules. */
  readonly provider: string | undefined;
}

const PRIORITY: readonly IndexDimension[] = ['principal', 'path', 'namespace', 'method'];

function scan(list: readonly RuleEntry[], req: AuthzRequest, best: RuleEntry | undefined): RuleEntry | undefined {
  const limit = best === undefined ? Number.POSITIVE_INFINITY : best.ordinal;
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as RuleEntry;
    if (r.ordinal >= limit) return best;
    if (r.match(req)) return r;
  }
  return best;
}

/**
 * The rules of one action, indexed.
 *
 * @example
 * ```ts
 * const group = new RuleGroup(entries);
 * const first = group.first(req); // the rule Envoy would report, or undefined
 * ```
 */
export class RuleGroup {
  /** Every rule, in evaluation order. */
  readonly rules: readonly RuleEntry[];
  readonly #always: readonly RuleEntry[];
  readonly #byPrincipal: ReadonlyMap<string, readonly RuleEntry[]> | undefined;
  readonly #byNamespace: ReadonlyMap<string, readonly RuleEntry[]> | undefined;
  readonly #byMethod: ReadonlyMap<string, readonly RuleEntry[]> | undefined;
  readonly #byPath: ReadonlyMap<string, readonly RuleEntry[]> | undefined;

  /** `rules` must be sorted by ordinal. */
  constructor(rules: readonly RuleEntry[]) {
    this.rules = rules;
    // How many rules share each key, per dimension: a rule is filed where its candidate lists are shortest.
    const counts = new Map<IndexDimension, Map<string, number>>();
    for (const r of rules) {
      for (const [dim, keys] of r.keys) {
        const m = counts.get(dim) ?? new Map<string, number>();
        counts.set(dim, m);
        for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
      }
    }
    const always: RuleEntry[] = [];
    const maps = new Map<IndexDimension, Map<string, RuleEntry[]>>();
    for (const r of rules) {
      let best: IndexDimension | undefined;
      let bestCost = Number.POSITIVE_INFINITY;
      for (const dim of PRIORITY) {
        const keys = r.keys.get(dim);
        if (keys === undefined) continue;
        let cost = 0;
        for (const k of keys) cost += counts.get(dim)?.get(k) ?? 0;
        if (cost < bestCost) {
          best = dim;
          bestCost = cost;
        }
      }
      if (best === undefined) {
        always.push(r);
        continue;
      }
      const m = maps.get(best) ?? new Map<string, RuleEntry[]>();
      maps.set(best, m);
      for (const k of r.keys.get(best) ?? []) {
        const list = m.get(k) ?? [];
        if (list[list.length - 1] !== r) list.push(r);
        m.set(k, list);
      }
    }
    this.#always = always;
    this.#byPrincipal = maps.get('principal');
    this.#byNamespace = maps.get('namespace');
    this.#byMethod = maps.get('method');
    this.#byPath = maps.get('path');
  }

  /** The first matching rule in Envoy's order, or `undefined`. */
  first(req: AuthzRequest): RuleEntry | undefined {
    let best = this.#always.length > 0 ? scan(this.#always, req, undefined) : undefined;
    const peer = req.peer;
    if (peer !== undefined) {
      if (this.#byPrincipal !== undefined) {
        const list = this.#byPrincipal.get(peer.principal);
        if (list !== undefined) best = scan(list, req, best);
      }
      if (this.#byNamespace !== undefined) best = this.#scanNamespaces(this.#byNamespace, peer.principal, req, best);
    }
    if (this.#byMethod !== undefined) {
      const list = this.#byMethod.get(req.method);
      if (list !== undefined) best = scan(list, req, best);
    }
    if (this.#byPath !== undefined) {
      const key = requestPathKey(req.path);
      const list = key === undefined ? undefined : this.#byPath.get(key);
      if (list !== undefined) best = scan(list, req, best);
    }
    return best;
  }

  // Every `<v>` with `/ns/<v>/` in `spiffe://<principal>` (see forEachPrincipalNamespace), inlined
  // so that the hot path allocates no closure.
  #scanNamespaces(map: ReadonlyMap<string, readonly RuleEntry[]>, p: string, req: AuthzRequest, best: RuleEntry | undefined): RuleEntry | undefined {
    if (p.startsWith('ns/')) {
      const end = p.indexOf('/', 3);
      const list = end === -1 ? undefined : map.get(p.slice(3, end));
      if (list !== undefined) best = scan(list, req, best);
    }
    let from = p.indexOf('/ns/');
    while (from !== -1) {
      const end = p.indexOf('/', from + 4);
      if (end === -1) break;
      const list = map.get(p.slice(from + 4, end));
      if (list !== undefined) best = scan(list, req, best);
      from = p.indexOf('/ns/', from + 1);
    }
    return best;
  }

  /** How rules are filed, for benchmarks and explanations. */
  stats(): { readonly always: number; readonly indexed: Readonly<Record<IndexDimension, number>> } {
    const size = (m: ReadonlyMap<string, readonly RuleEntry[]> | undefined): number => new Set([...(m?.values() ?? [])].flat()).size;
    return {
      always: this.#always.length,
      indexed: { principal: size(this.#byPrincipal), namespace: size(this.#byNamespace), method: size(this.#byMethod), path: size(this.#byPath) },
    };
  }
}
