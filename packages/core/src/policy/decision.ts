import type { PolicyAction } from './types.js';

/**
 * The stage that decided: a CUSTOM provider must be consulted, a DENY rule matched, the ALLOW stage
 * allowed (a rule matched) or denied (ALLOW policies exist, none matched), or `NONE` (no enforced
 * ALLOW policy and nothing denied: allowed by default).
 */
export type DecidingAction = 'CUSTOM' | 'DENY' | 'ALLOW' | 'NONE';

/**
 * A reference to one rule of one policy.
 *
 * @example
 * ```ts
 * const ref: RuleRef = { policy: 'shop/deny-admin', rule: 0, id: 'ns[shop]-policy[deny-admin]-rule[0]' };
 * ```
 */
export interface RuleRef {
  /** `namespace/name`. */
  readonly policy: string;
  /** Index of the rule in `spec.rules` (0 for a policy without rules). */
  readonly rule: number;
  /** Istio's Envoy policy name, `ns[NS]-policy[NAME]-rule[i]`. */
  readonly id: string;
}

/**
 * A CUSTOM provider that must be consulted because one of its rules matched.
 *
 * @example
 * ```ts
 * if (decision.action === 'CUSTOM') for (const c of decision.custom) await callProvider(c.provider);
 * ```
 */
export interface CustomCheck extends RuleRef {
  /** `spec.provider.name`, a `meshConfig.extensionProviders[].name`. */
  readonly provider: string;
}

/**
 * What a dry-run (`istio.io/dry-run`) policy set would have done: Envoy's shadow engine result for
 * that action, computed over the dry-run policies of the action only.
 *
 * @example
 * ```ts
 * for (const d of decision.dryRun) if (!d.wouldAllow) log.warn('dry-run would deny', d.matched?.id);
 * ```
 */
export interface DryRunResult {
  readonly action: PolicyAction;
  /** The first matching rule in Envoy's order, if any. */
  readonly matched: RuleRef | undefined;
  /**
   * DENY: no rule matched; ALLOW: a rule matched; AUDIT: always true; CUSTOM: no rule matched
   * (a match would have sent the request to the provider).
   */
  readonly wouldAllow: boolean;
}

/**
 * The authorization decision for one request. Decisions without dry-run or audit results are shared
 * frozen objects; treat every decision as immutable.
 *
 * @example
 * ```ts
 * const d = evaluatePolicies(snapshot, req);
 * if (!d.allowed) res.status(403).json({ error: d.reason });   // "RBAC: access denied"
 * log.info({ action: d.action, policy: d.policy, id: d.id });
 * ```
 */
export interface AuthzDecision {
  readonly allowed: boolean;
  readonly action: DecidingAction;
  /** `namespace/name` of the deciding policy, when a rule decided. */
  readonly policy: string | undefined;
  /** Index of the deciding rule. */
  readonly rule: number | undefined;
  /** `ns[NS]-policy[NAME]-rule[i]` of the deciding rule (with Istio's suffix for a bad CUSTOM provider). */
  readonly id: string | undefined;
  /** For the client; never names policies. */
  readonly reason: string;
  /**
   * When `action` is `CUSTOM`: the providers to consult, one per provider, in name order. Until
   * they are consulted the decision denies (fail closed).
   */
  readonly custom: readonly CustomCheck[];
  /** When `action` is `CUSTOM`: the DENY/ALLOW decision that applies if every provider allows. */
  readonly afterCustom: AuthzDecision | undefined;
  /** One result per action that has dry-run policies in scope. */
  readonly dryRun: readonly DryRunResult[];
  /** The AUDIT rule that marks this request for auditing (Envoy's `access_log_hint`), if any. */
  readonly audit: RuleRef | undefined;
}

/** The reason given to clients on a denial: Envoy RBAC's response body. */
export const ACCESS_DENIED = 'RBAC: access denied';
/** The reason on an allow. */
export const ACCESS_ALLOWED = 'allowed';
