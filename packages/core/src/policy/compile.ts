import { fit, mapFit } from './arrays.js';
import { compileRule, type CompiledRuleBody } from './compile-rule.js';
import { ACCESS_ALLOWED, ACCESS_DENIED, type AuthzDecision, type RuleRef } from './decision.js';
import { isDryRun } from './dry-run.js';
import { PolicyInvalidError, type PolicyIssue } from './errors.js';
import type { FieldContext } from './fields.js';
import type { Pred } from './identity-match.js';
import { resolveOptions, type CompileOptions, type ResolvedOptions } from './options.js';
import { RuleGroup, type RuleEntry } from './rule-index.js';
import { scopeMismatch, type WorkloadScope } from '../workload/scope.js';
import { PolicySnapshot, type AppliedPolicy, type Engine, type SkippedPolicy } from './snapshot.js';
import type { AuthorizationPolicy, PolicyAction, PolicyRule } from './types.js';
import { isValidatedPolicy, validatePolicyObject } from './validate.js';

/**
 * Compilation: scope the policies to the workload, compile every rule to closures, group rules by
 * action with an index (rule-index.ts; the enforced DENY and ALLOW rules share one group, DENY
 * first), and precompute every decision object, so that evaluation only runs matchers
 * (`pilot/pkg/security/authz/builder/builder.go` is the model: one Envoy policy per rule, one RBAC
 * filter per action, enforced and dry-run (shadow) rules apart).
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

/** The decision of an enforced rule (one per rule, so built directly). */
function ruleDecision(allowed: boolean, action: 'DENY' | 'ALLOW', policy: string, rule: number, id: string): AuthzDecision {
  return Object.freeze({
    allowed,
    action,
    policy,
    rule,
    id,
    reason: allowed ? ACCESS_ALLOWED : ACCESS_DENIED,
    custom: EMPTY,
    afterCustom: undefined,
    dryRun: EMPTY,
    audit: undefined,
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
  // One flat string (a template literal would keep a chain of concatenations alive per rule).
  return ['ns[', namespace, ']-policy[', name, ']-rule[', String(index), ']'].join('');
}

interface Pending extends RuleRef {
  readonly sortKey: string;
  readonly body: CompiledRuleBody;
  readonly decision: AuthzDecision;
  readonly provider: string | undefined;
}

/**
 * Rules of one or more stages in evaluation order: each stage sorted by Envoy policy name, the
 * stages one after the other (DENY before ALLOW, as their RBAC filters run).
 */
function group(spaceDelimited: ReadonlySet<string>, ...stages: readonly (readonly Pending[])[]): RuleGroup | undefined {
  const entries: RuleEntry[] = [];
  for (const pending of stages) {
    for (const p of byName(pending)) {
      if (p.body.dropped !== undefined) continue;
      entries.push({ policy: p.policy, rule: p.rule, id: p.id, ordinal: entries.length, match: p.body.match, index: p.body.index, decision: p.decision, provider: p.provider });
    }
  }
  return stages.every((s) => s.length === 0) ? undefined : new RuleGroup(entries, spaceDelimited);
}

/**
 * Rules in Envoy's order: by policy name, compared as strings (engine_impl.cc keeps them in a
 * `std::map<std::string, …>`). The keys are unique within a stage, so the engine's own string sort
 * (no comparison callback) orders them.
 */
function byName(pending: readonly Pending[]): Pending[] {
  const bySortKey = new Map<string, Pending>();
  for (const p of pending) bySortKey.set(p.sortKey, p);
  if (bySortKey.size !== pending.length) {
    return [...pending].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  }
  const keys = [...bySortKey.keys()].sort();
  return mapFit(keys, (k) => bySortKey.get(k) as Pending);
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

function scope(valid: readonly AuthorizationPolicy[], workload: WorkloadScope): { inScope: AuthorizationPolicy[]; skipped: SkippedPolicy[] } {
  const skipped: SkippedPolicy[] = [];
  const inScope: AuthorizationPolicy[] = [];
  for (const p of valid) {
    const why = scopeMismatch(p, workload);
    if (why === undefined) inScope.push(p);
    else skipped.push({ policy: `${p.metadata.namespace}/${p.metadata.name}`, reason: why });
  }
  return { inScope, skipped };
}

/** builder.go: every provider named by a CUSTOM policy of the workload, dry-run ones included. */
function customProviders(inScope: readonly AuthorizationPolicy[]): Set<string> {
  const providers = new Set<string>();
  for (const p of inScope) if (p.spec.action === 'CUSTOM' && p.spec.provider) providers.add(p.spec.provider.name);
  return providers;
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

/** The compiled policies and their rules, sorted into the stages they belong to. */
class Compilation {
  readonly applied: AppliedPolicy[] = [];
  readonly buckets = { customBad: [] as Pending[], custom: new Map<string, Pending[]>(), deny: [] as Pending[], allow: [] as Pending[], audit: [] as Pending[] };
  readonly shadow = new Map<PolicyAction, Pending[]>();
  hasAllow = false;
  readonly #resolved: ResolvedOptions;
  readonly #bundle: readonly string[];
  readonly #providers: ReadonlySet<string>;
  readonly #matchers = new Map<string, Pred>();

  constructor(resolved: ResolvedOptions, bundle: readonly string[], providers: ReadonlySet<string>) {
    this.#resolved = resolved;
    this.#bundle = bundle;
    this.#providers = providers;
  }

  // The loops over policies and rules live in small functions of their own: a long loop makes the
  // engine optimize the function that contains it while it runs, and the smaller that function, the
  // less that costs.
  addAll(policies: readonly AuthorizationPolicy[]): void {
    for (let i = 0; i < policies.length; i++) this.add(policies[i] as AuthorizationPolicy);
  }

  add(p: AuthorizationPolicy): void {
    const action: PolicyAction = p.spec.action ?? 'ALLOW';
    const dryRun = isDryRun(p.metadata.annotations);
    const provider = action === 'CUSTOM' ? p.spec.provider?.name : undefined;
    const badCustom = provider !== undefined && !dryRun ? badCustomReason(provider, this.#providers, this.#resolved) : undefined;
    const ctx: FieldContext = { policyNamespace: p.metadata.namespace, bundle: this.#bundle, spaceDelimited: this.#resolved.spaceDelimitedClaims, matchers: this.#matchers };
    const { namespace, name } = p.metadata;
    const policyName = `${namespace}/${name}`;
    const specRules = p.spec.rules ?? EMPTY;
    const rules: CompiledRuleBody[] = [];
    for (let i = 0; i < specRules.length; i++) rules.push(compileRule(specRules[i] as PolicyRule, action, ctx));
    this.applied.push(Object.freeze({ name: policyName, action, dryRun, provider, badCustom, source: p, rules: Object.freeze(fit(rules)) }));
    if (action === 'ALLOW' && !dryRun) this.hasAllow = true; // even without rules, or with every rule dropped

    let target: Pending[];
    if (dryRun) {
      target = this.shadow.get(action) ?? [];
      this.shadow.set(action, target);
    } else if (action === 'CUSTOM' && badCustom !== undefined) target = this.buckets.customBad;
    else if (action === 'CUSTOM') {
      const key = provider ?? '';
      target = this.buckets.custom.get(key) ?? [];
      this.buckets.custom.set(key, target);
    } else if (action === 'DENY') target = this.buckets.deny;
    else if (action === 'ALLOW') target = this.buckets.allow;
    else target = this.buckets.audit;
    for (let index = 0; index < rules.length; index++) {
      const body = rules[index] as CompiledRuleBody;
      const id = ruleId(namespace, name, index);
      // Dry-run, AUDIT and CUSTOM rules never decide by themselves: they share one placeholder.
      let d = NOT_DECIDING;
      let sortKey = id;
      if (!dryRun && action === 'CUSTOM' && badCustom !== undefined) {
        sortKey = `${provider}\u0000${id}`;
        d = ruleDecision(false, 'DENY', policyName, index, id + BAD_CUSTOM_SUFFIX);
      } else if (!dryRun && action === 'DENY') d = ruleDecision(false, 'DENY', policyName, index, id);
      else if (!dryRun && action === 'ALLOW') d = ruleDecision(true, 'ALLOW', policyName, index, id);
      target.push({ policy: policyName, rule: index, id, sortKey, body, decision: d, provider });
    }
  }

  /** The evaluation structures of everything added. */
  engine(inScope: readonly AuthorizationPolicy[]): Engine {
    const sd = this.#resolved.spaceDelimitedClaims;
    const dryRunGroups: { action: PolicyAction; group: RuleGroup }[] = [];
    for (const action of ['CUSTOM', 'AUDIT', 'DENY', 'ALLOW'] as const) {
      const list = this.shadow.get(action);
      const g = list ? group(sd, list) : undefined;
      // A dry-run policy without (buildable) rules still has a shadow engine: ALLOW then never allows.
      if (g || list || inScope.some((p) => (p.spec.action ?? 'ALLOW') === action && isDryRun(p.metadata.annotations))) {
        dryRunGroups.push({ action, group: g ?? new RuleGroup([], sd) });
      }
    }
    const audit = group(sd, this.buckets.audit);
    return {
      customBad: group(sd, this.buckets.customBad),
      custom: [...this.buckets.custom.keys()].sort().flatMap((provider) => {
        const g = group(sd, this.buckets.custom.get(provider) ?? []);
        return g ? [{ provider, group: g }] : [];
      }),
      // One lookup serves both filters: every DENY rule comes before every ALLOW rule, so the first
      // match is a DENY rule whenever one matches (the DENY filter runs first and stops the request).
      rbac: group(sd, this.buckets.deny, this.buckets.allow),
      hasAllow: this.hasAllow,
      audit,
      dryRun: dryRunGroups,
      noAllowPolicy: decision({ allowed: true, action: 'NONE', reason: ACCESS_ALLOWED }),
      defaultDeny: decision({ allowed: false, action: 'ALLOW', reason: ACCESS_DENIED }),
      extras: audit !== undefined || dryRunGroups.length > 0,
    };
  }
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

  const { inScope, skipped } = scope(valid, workload);
  const c = new Compilation(resolved, bundle, customProviders(inScope));
  c.addAll(inScope);
  return new PolicySnapshot(resolved, c.applied, skipped, c.engine(inScope));
}
