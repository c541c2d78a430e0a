import type { CompiledRuleBody } from './compile-rule.js';
import type { AuthzDecision } from './decision.js';
import type { ResolvedOptions } from './options.js';
import type { RuleGroup } from './rule-index.js';
import type { AuthorizationPolicy, PolicyAction } from './types.js';

/**
 * A policy that applies to the workload, compiled.
 *
 * @example
 * ```ts
 * for (const p of snapshot.policies) console.log(p.name, p.action, p.dryRun);
 * ```
 */
export interface AppliedPolicy {
  /** `namespace/name`. */
  readonly name: string;
  readonly action: PolicyAction;
  /** `istio.io/dry-run` parsed with Go's ParseBool. */
  readonly dryRun: boolean;
  /** CUSTOM provider name. */
  readonly provider: string | undefined;
  /** Why this CUSTOM policy's rules deny instead of calling the provider (istiod's fail-closed). */
  readonly badCustom: string | undefined;
  readonly source: AuthorizationPolicy;
  /** One per `spec.rules` entry; empty for a policy without rules (it never matches). */
  readonly rules: readonly CompiledRuleBody[];
}

/**
 * A policy that does not apply to the workload, and why.
 *
 * @example
 * ```ts
 * for (const s of snapshot.skipped) console.log(s.policy, s.reason);
 * ```
 */
export interface SkippedPolicy {
  readonly policy: string;
  readonly reason: string;
}

/** The evaluation structures, reachable only from inside the module. */
export interface Engine {
  readonly customBad: RuleGroup | undefined;
  readonly custom: readonly { readonly provider: string; readonly group: RuleGroup }[];
  /** The enforced DENY rules, then the enforced ALLOW rules, each in Envoy's order. */
  readonly rbac: RuleGroup | undefined;
  readonly hasAllow: boolean;
  readonly audit: RuleGroup | undefined;
  readonly dryRun: readonly { readonly action: PolicyAction; readonly group: RuleGroup }[];
  readonly noAllowPolicy: AuthzDecision;
  readonly defaultDeny: AuthzDecision;
  /** Whether decisions need dry-run or audit results attached. */
  readonly extras: boolean;
}

let engineOf: (snapshot: PolicySnapshot) => Engine;

/**
 * The compiled, immutable policy set for one workload. Build it with `compilePolicies`, evaluate
 * with `evaluatePolicies`; swap snapshots atomically on reload.
 *
 * @example
 * ```ts
 * let snapshot = compilePolicies(await loadPolicies('policies/'), { namespace: 'shop' });
 * const decision = evaluatePolicies(snapshot, req);
 * ```
 */
export class PolicySnapshot {
  /** The options the snapshot was compiled with, defaults applied. */
  readonly options: ResolvedOptions;
  /** Policies that apply to the workload, in input order. */
  readonly policies: readonly AppliedPolicy[];
  /** Policies that do not apply, and why. */
  readonly skipped: readonly SkippedPolicy[];
  readonly #engine: Engine;

  static {
    engineOf = (s) => s.#engine;
  }

  /** Built by `compilePolicies`. */
  constructor(options: ResolvedOptions, policies: readonly AppliedPolicy[], skipped: readonly SkippedPolicy[], engine: Engine) {
    this.options = options;
    this.policies = Object.freeze([...policies]);
    this.skipped = Object.freeze([...skipped]);
    this.#engine = engine;
    Object.freeze(this);
  }
}

/**
 * The snapshot's evaluation structures (module-internal).
 *
 * @example
 * ```ts
 * const engine = snapshotEngine(snapshot);
 * ```
 */
export function snapshotEngine(snapshot: PolicySnapshot): Engine {
  return engineOf(snapshot);
}
