import { compileRule, type CompiledRuleBody } from './compile-rule.js';
import { ACCESS_ALLOWED, ACCESS_DENIED, type AuthzDecision, type RuleRef } from './decision.js';
import { isDryRun } from './dry-run.js';
import { PolicyInvalidError, type PolicyIssue } from './errors.js';
import type { FieldContext } from './fields.js';
import { resolveOptions, type CompileOptions, type ResolvedOptions } from './options.js';
import { RuleGroup, type RuleEntry } from './rule-index.js';
import { scopeMismatch } from '../workload/scope.js';
import { PolicySnapshot, type AppliedPolicy, type Engine, type SkippedPolicy } from './snapshot.js';
import type { AuthorizationPolicy, PolicyAction } from './types.js';
import { isValidatedPolicy, validatePolicyObject } from './validate.js';

/**
 * Compilation: scope the policies to the workload, compile every rule to closures, group rules by
 * action with an index, and precompute every decision object, so that evaluation only runs
 * matchers (`pilot/pkg/security/authz/builder/builder.go` is the model: one Envoy policy per rule,
 * one RBAC filter per action, enforced and dry-run (shadow) rules apart).
 */

// builder.go badCustomActionSuffix.
const BAD_CUSTOM_SUFFIX = '-deny-due-to-bad-CUSTOM-action';
const EMPTY: readonly never[] = Object.freeze([]);

function decision(fields: Partial<AuthzDecision> & Pick<AuthzDecision, 'allowed' | 'action' | 'reason'>): AuthzDecision {
  return Object.freeze({
    allowed: fields.allowed,
    action: fields.action,
    policy: fields.policy,
    rule: fields.rule,
    id: fields.id,
    reason: fields.reason,
    custom: fields.custom ?? EMPTY,
    afterCustom: fields.afterCustom,
    dryRun: fields.dryRun ?? EMPTY,
    audit: fields.audit,
  });
}

const NOT_DECIDING = decision({ allowed: true, action: 'NONE', reason: ACCESS_ALLOWED });

/**
 * Istio's Envoy policy name for a rule (builder.go policyName, without the ext_authz prefix).
 *
 * @example
 * ```ts
 * ruleId('shop', 'deny-admin', 0); // 'ns[shop]-policy[deny-admin]-rule[0]'
 * ```
 */
export function ruleId(namespace: string, name: string, index: number): string {
  return `ns[${namespace}]-policy[${name}]-rule[${index}]`;
}

interface Pending extends RuleRef {
  readonly sortKey: string;
  readonly body: CompiledRuleBody;
  readonly decision: AuthzDecision;
  readonly provider: string | undefined;
}

function group(pending: readonly Pending[]): RuleGroup | undefined {
  if (pending.length === 0) return undefined;
  const sorted = [...pending].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const entries: RuleEntry[] = sorted
    .filter((p) => p.body.dropped === undefined)
    .map((p, ordinal) => ({
      policy: p.policy,
      rule: p.rule,
      id: p.id,
      ordinal,
      match: p.body.match,
      keys: p.body.keys,
      decision: p.decision,
      provider: p.provider,
    }));
  return new RuleGroup(entries);
}

function validateAll(policies: readonly AuthorizationPolicy[]): AuthorizationPolicy[] {
  if (!Array.isArray(policies)) throw new PolicyInvalidError([{ field: '', message: 'policies must be an array' }]);
  const errors: PolicyIssue[] = [];
  const out: AuthorizationPolicy[] = [];
  const seen = new Set<string>();
  policies.forEach((p, i) => {
    if (isValidatedPolicy(p)) {
      const id = `${p.metadata.namespace}/${p.metadata.name}`;
      if (seen.has(id)) errors.push({ policy: id, field: 'metadata.name', message: `duplicate policy ${id}` });
      seen.add(id);
      out.push(p);
      return;
    }
    const origin = p?.origin;
    const r = validatePolicyObject(p, {
      acceptOrigin: true,
      fieldPrefix: origin ? '' : `[${i}].`,
      ...(origin?.file !== undefined ? { file: origin.file } : {}),
      ...(origin?.document !== undefined ? { document: origin.document } : {}),
    });
    errors.push(...r.errors);
    if (!r.policy) return;
    const id = `${r.policy.metadata.namespace}/${r.policy.metadata.name}`;
    if (seen.has(id)) errors.push({ policy: id, field: 'metadata.name', message: `duplicate policy ${id}` });
    seen.add(id);
    out.push(r.policy);
  });
  if (errors.length > 0) throw new PolicyInvalidError(errors);
  return out;
}

/** Why CUSTOM rules of `provider` must deny (builder.go buildHTTP), or `undefined`. */
function badCustomReason(provider: string, providers: ReadonlySet<string>, options: ResolvedOptions): string | undefined {
  if (providers.size > 1 && !options.multipleCustomProviders) {
    return `multiple CUSTOM providers (${[...providers].sort().join(', ')}) for one workload need multipleCustomProviders`;
  }
  if (options.extensionProviders !== undefined && !options.extensionProviders.has(provider)) {
    return `provider "${provider}" is not one of the extensionProviders`;
  }
  return undefined;
}

/**
 * Compiles the policies that apply to one workload into an immutable snapshot. Validates again
 * (objects may not come from the loader) and throws {@link PolicyInvalidError} listing every problem.
 *
 * @example
 * ```ts
 * const snapshot = compilePolicies(policies, {
 *   namespace: 'shop', labels: { app: 'orders' }, rootNamespace: 'istio-system', trustDomain: 'cluster.local',
 * });
 * snapshot.skipped; // policies of other namespaces or selectors, with the reason
 * ```
 */
export function compilePolicies(policies: readonly AuthorizationPolicy[], options: CompileOptions): PolicySnapshot {
  const resolved = resolveOptions(options);
  const valid = validateAll(policies);
  const bundle = [resolved.trustDomain, ...resolved.trustDomainAliases];
  const workload = { namespace: resolved.namespace, labels: resolved.labels, rootNamespace: resolved.rootNamespace };

  const skipped: SkippedPolicy[] = [];
  const inScope: AuthorizationPolicy[] = [];
  for (const p of valid) {
    const why = scopeMismatch(p, workload);
    if (why === undefined) inScope.push(p);
    else skipped.push({ policy: `${p.metadata.namespace}/${p.metadata.name}`, reason: why });
  }

  // builder.go: every provider named by a CUSTOM policy of the workload, dry-run ones included.
  const providers = new Set<string>();
  for (const p of inScope) if (p.spec.action === 'CUSTOM' && p.spec.provider) providers.add(p.spec.provider.name);

  const applied: AppliedPolicy[] = [];
  const buckets = { customBad: [] as Pending[], custom: new Map<string, Pending[]>(), deny: [] as Pending[], allow: [] as Pending[], audit: [] as Pending[] };
  const shadow = new Map<PolicyAction, Pending[]>();
  let hasAllow = false;

  for (const p of inScope) {
    const action: PolicyAction = p.spec.action ?? 'ALLOW';
    const dryRun = isDryRun(p.metadata.annotations);
    const provider = action === 'CUSTOM' ? p.spec.provider?.name : undefined;
    const badCustom = provider !== undefined && !dryRun ? badCustomReason(provider, providers, resolved) : undefined;
    const ctx: FieldContext = { policyNamespace: p.metadata.namespace, bundle, spaceDelimited: resolved.spaceDelimitedClaims };
    const { namespace, name } = p.metadata;
    const policyName = `${namespace}/${name}`;
    const rules = (p.spec.rules ?? []).map((r) => compileRule(r, action, ctx));
    applied.push(Object.freeze({ name: policyName, action, dryRun, provider, badCustom, source: p, rules: Object.freeze(rules) }));
    if (action === 'ALLOW' && !dryRun) hasAllow = true; // even without rules, or with every rule dropped

    rules.forEach((body, index) => {
      const id = ruleId(namespace, name, index);
      let target: Pending[];
      let d: AuthzDecision | undefined;
      let sortKey = id;
      if (dryRun) {
        target = shadow.get(action) ?? [];
        shadow.set(action, target);
      } else if (action === 'CUSTOM' && badCustom !== undefined) {
        target = buckets.customBad;
        sortKey = `${provider}\u0000${id}`;
        d = decision({ allowed: false, action: 'DENY', policy: policyName, rule: index, id: id + BAD_CUSTOM_SUFFIX, reason: ACCESS_DENIED });
      } else if (action === 'CUSTOM') {
        const key = provider ?? '';
        target = buckets.custom.get(key) ?? [];
        buckets.custom.set(key, target);
      } else if (action === 'DENY') {
        target = buckets.deny;
        d = decision({ allowed: false, action: 'DENY', policy: policyName, rule: index, id, reason: ACCESS_DENIED });
      } else if (action === 'ALLOW') {
        target = buckets.allow;
        d = decision({ allowed: true, action: 'ALLOW', policy: policyName, rule: index, id, reason: ACCESS_ALLOWED });
      } else {
        target = buckets.audit;
      }
      // Dry-run, AUDIT and CUSTOM rules never decide by themselves: they share one placeholder.
      target.push({ policy: policyName, rule: index, id, sortKey, body, decision: d ?? NOT_DECIDING, provider });
    });
  }

  const dryRunGroups: { action: PolicyAction; group: RuleGroup }[] = [];
  for (const action of ['CUSTOM', 'AUDIT', 'DENY', 'ALLOW'] as const) {
    const list = shadow.get(action);
    const g = list ? group(list) : undefined;
    // A dry-run policy without (buildable) rules still has a shadow engine: ALLOW then never allows.
    if (g || list || inScope.some((p) => (p.spec.action ?? 'ALLOW') === action && isDryRun(p.metadata.annotations))) {
      dryRunGroups.push({ action, group: g ?? new RuleGroup([]) });
    }
  }
  const audit = group(buckets.audit);
  const engine: Engine = {
    customBad: group(buckets.customBad),
    custom: [...buckets.custom.keys()].sort().flatMap((provider) => {
      const g = group(buckets.custom.get(provider) ?? []);
      return g ? [{ provider, group: g }] : [];
    }),
    deny: group(buckets.deny),
    allow: group(buckets.allow),
    hasAllow,
    audit,
    dryRun: dryRunGroups,
    noAllowPolicy: decision({ allowed: true, action: 'NONE', reason: ACCESS_ALLOWED }),
    defaultDeny: decision({ allowed: false, action: 'ALLOW', reason: ACCESS_DENIED }),
    extras: audit !== undefined || dryRunGroups.length > 0,
  };
  return new PolicySnapshot(resolved, applied, skipped, engine);
}
