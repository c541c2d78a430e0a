import {
  compilePolicies,
  type AuthorizationPolicy,
  type PolicyRule,
  type PolicySnapshot,
} from '../policy/index.js';
import type { MeshOptions } from '../policy-setup.js';

/**
 * Rules for one route, in AuthorizationPolicy's own vocabulary (`from`, `to`, `when`), compiled
 * by the policy compiler as a one-policy snapshot so that they match exactly as a policy would.
 */

/** What a route rule does when it matches. */
export type RouteRuleAction = 'ALLOW' | 'DENY';

/**
 * Options of {@link compileRouteRules}.
 *
 * @example
 * ```ts
 * const options: RouteRuleOptions = { action: 'DENY', name: 'no-batch-jobs', namespace: 'shop' };
 * ```
 */
export interface RouteRuleOptions {
  /** `ALLOW` (default): the request passes only when a rule matches. `DENY`: refused when one matches. */
  readonly action?: RouteRuleAction;
  /** Names the rules in decisions and logs: `ns[NAMESPACE]-policy[NAME]-rule[i]`. Default `route`. */
  readonly name?: string;
  /**
   * The namespace the rules are written for: `serviceAccounts: ['sa']` means `NAMESPACE/sa`.
   * Default the engine's workload namespace, else `POD_NAMESPACE`, else `default`.
   */
  readonly namespace?: string;
  /** Trust domain and aliases, as for policies. */
  readonly mesh?: MeshOptions;
}

/**
 * Compiled route rules. Build once (at route registration) and reuse for every request.
 *
 * @example
 * ```ts
 * const admins = compileRouteRules({ from: [{ source: { namespaces: ['admin'] } }] });
 * admins.snapshot.policies[0]?.name; // 'default/route'
 * ```
 */
export class RouteRules {
  readonly action: RouteRuleAction;
  readonly name: string;
  /** The one-policy snapshot the rules compile to. */
  readonly snapshot: PolicySnapshot;

  constructor(action: RouteRuleAction, name: string, snapshot: PolicySnapshot) {
    this.action = action;
    this.name = name;
    this.snapshot = snapshot;
    Object.freeze(this);
  }
}

/**
 * Compiles one rule or a list of rules (ORed, as the rules of a policy are). Invalid rules throw
 * the policy compiler's `PolicyInvalidError` (`code: 'ERR_POLICY_INVALID'`) naming the field.
 *
 * @example
 * ```ts
 * const canCancel = compileRouteRules(
 *   { from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend'] } }], to: [{ operation: { methods: ['POST'] } }] },
 *   { name: 'cancel-order', namespace: 'shop' },
 * );
 * ```
 */
export function compileRouteRules(rules: PolicyRule | readonly PolicyRule[], options: RouteRuleOptions = {}): RouteRules {
  const action = options.action ?? 'ALLOW';
  const name = options.name ?? 'route';
  const namespace = options.namespace ?? (process.env['POD_NAMESPACE'] || 'default');
  const list = Array.isArray(rules) ? (rules as readonly PolicyRule[]) : [rules as PolicyRule];
  const policy: AuthorizationPolicy = {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace },
    spec: { action, rules: list },
  };
  const snapshot = compilePolicies([policy], { namespace, ...options.mesh });
  return new RouteRules(action, name, snapshot);
}

/** What `authorize` and the guards accept: compiled rules, or a rule (or list) compiled on first use. */
export type RouteRulesInput = RouteRules | PolicyRule | readonly PolicyRule[];

const compiled = new WeakMap<object, RouteRules>();

/**
 * Compiled rules for an input, cached by object identity so that a rule literal kept in a
 * constant compiles once.
 *
 * @example
 * ```ts
 * const rules = routeRulesOf({ from: [{ source: { namespaces: ['admin'] } }] }, { namespace: 'shop' });
 * ```
 */
export function routeRulesOf(input: RouteRulesInput, defaults: RouteRuleOptions = {}): RouteRules {
  if (input instanceof RouteRules) return input;
  let rules = compiled.get(input);
  if (rules === undefined) {
    rules = compileRouteRules(input, defaults);
    compiled.set(input, rules);
  }
  return rules;
}
