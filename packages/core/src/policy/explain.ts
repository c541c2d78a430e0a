import type { CompiledRuleBody } from './compile-rule.js';
import { ruleId } from './compile.js';
import type { AuthzDecision } from './decision.js';
import { evaluatePolicies } from './evaluate.js';
import type { CompiledField } from './fields.js';
import type { AuthzRequest } from './request.js';
import type { AppliedPolicy, PolicySnapshot, SkippedPolicy } from './snapshot.js';
import type { PolicyAction } from './types.js';

/**
 * Explanations: the same decision as `evaluatePolicies`, plus a trace of every policy and rule in
 * scope and why each did or did not match. Slow on purpose (strings, arrays); for logs, the CLI and
 * tests, not for the request path.
 */

/**
 * One field or condition of a rule, as the request met it.
 *
 * @example
 * ```ts
 * // { field: 'to[0].operation.paths', matched: false, saw: 'path "/orders"', values: ['/admin*'], notValues: [] }
 * ```
 */
export interface FieldTrace {
  readonly field: string;
  readonly matched: boolean;
  /** What the request carried, e.g. `peer principal "cluster.local/ns/shop/sa/a"` or `no verified JWT`. */
  readonly saw: string;
  readonly values: readonly string[];
  readonly notValues: readonly string[];
}

/**
 * One rule of a policy.
 *
 * @example
 * ```ts
 * const failed = trace.rules.filter((r) => !r.matched).flatMap((r) => r.fields.filter((f) => !f.matched));
 * ```
 */
export interface RuleTrace {
  readonly rule: number;
  readonly id: string;
  readonly matched: boolean;
  /** Every field of every `from`/`to` entry and every condition, in order. */
  readonly fields: readonly FieldTrace[];
  /** Why Istio drops this ALLOW rule (it never matches). */
  readonly dropped?: string;
  /** Conditions ignored because they could not be built (DENY/AUDIT/CUSTOM widen). */
  readonly ignored: readonly string[];
}

/**
 * One policy in scope.
 *
 * @example
 * ```ts
 * for (const p of explanation.trace) console.log(p.policy, p.action, p.matched);
 * ```
 */
export interface PolicyTrace {
  readonly policy: string;
  readonly action: PolicyAction;
  readonly dryRun: boolean;
  readonly provider?: string;
  /** Why this CUSTOM policy denies instead of calling its provider. */
  readonly badCustom?: string;
  /** Whether any rule matched. */
  readonly matched: boolean;
  readonly rules: readonly RuleTrace[];
  readonly note?: string;
}

/**
 * A decision with its trace.
 *
 * @example
 * ```ts
 * const e = explainPolicies(snapshot, req);
 * console.log(e.allowed, e.id, JSON.stringify(e.trace, null, 2));
 * ```
 */
export interface AuthzExplanation extends AuthzDecision {
  readonly trace: readonly PolicyTrace[];
  /** Policies that were not in scope for the workload, and why. */
  readonly skipped: readonly SkippedPolicy[];
}

function fieldTrace(f: CompiledField, req: AuthzRequest, prefix: string): FieldTrace {
  return { field: prefix + f.path, matched: f.test(req), saw: f.observe(req), values: f.values, notValues: f.notValues };
}

function ruleTrace(p: AppliedPolicy, body: CompiledRuleBody, index: number, req: AuthzRequest): RuleTrace {
  const fields: FieldTrace[] = [];
  for (const entry of body.from) for (const f of entry) fields.push(fieldTrace(f, req, ''));
  for (const entry of body.to) for (const f of entry) fields.push(fieldTrace(f, req, ''));
  for (const f of body.when) fields.push(fieldTrace(f, req, ''));
  const [namespace = '', name = ''] = p.name.split('/');
  return {
    rule: index,
    id: ruleId(namespace, name, index),
    matched: body.match(req),
    fields,
    ...(body.dropped !== undefined ? { dropped: body.dropped } : {}),
    ignored: body.ignored,
  };
}

function policyNote(p: AppliedPolicy): string | undefined {
  if (p.rules.length === 0) {
    return p.action === 'ALLOW' ? 'no rules: matches nothing, but its presence turns on default deny' : 'no rules: matches nothing';
  }
  if (p.action === 'AUDIT') return 'AUDIT marks requests for auditing, never decides';
  if (p.dryRun) return 'dry-run (istio.io/dry-run): evaluated and reported, not enforced';
  return undefined;
}

/**
 * Decides like `evaluatePolicies` and explains the decision rule by rule.
 *
 * @example
 * ```ts
 * const e = explainPolicies(snapshot, req);
 * if (!e.allowed) log.debug({ id: e.id, trace: e.trace });
 * ```
 */
export function explainPolicies(snapshot: PolicySnapshot, req: AuthzRequest): AuthzExplanation {
  const decision = evaluatePolicies(snapshot, req);
  const trace: PolicyTrace[] = snapshot.policies.map((p) => {
    const rules = p.rules.map((body, i) => ruleTrace(p, body, i, req));
    const note = policyNote(p);
    return {
      policy: p.name,
      action: p.action,
      dryRun: p.dryRun,
      ...(p.provider !== undefined ? { provider: p.provider } : {}),
      ...(p.badCustom !== undefined ? { badCustom: p.badCustom } : {}),
      matched: rules.some((r) => r.matched),
      rules,
      ...(note !== undefined ? { note } : {}),
    };
  });
  return { ...decision, trace, skipped: snapshot.skipped };
}
