import { ACCESS_DENIED, type AuthzDecision, type CustomCheck, type DryRunResult, type RuleRef } from './decision.js';
import type { AuthzRequest } from './request.js';
import type { RuleEntry } from './rule-index.js';
import { snapshotEngine, type Engine, type PolicySnapshot } from './snapshot.js';

/**
 * Evaluation in Istio's filter order (`pilot/pkg/networking/core/listener_builder.go`, builder.go):
 * CUSTOM (a shadow RBAC filter deciding whether to call ext_authz; bad providers deny), then DENY,
 * then ALLOW (present only when an enforced ALLOW policy applies), with AUDIT and dry-run (shadow)
 * rules evaluated for reporting only. Decisions are precomputed; a request with no dry-run or audit
 * policies in scope gets a shared frozen object and allocates nothing here.
 */

function ref(r: RuleEntry): RuleRef {
  return { policy: r.policy, rule: r.rule, id: r.id };
}

function dryRunResults(engine: Engine, req: AuthzRequest): DryRunResult[] {
  const out: DryRunResult[] = [];
  for (const { action, group } of engine.dryRun) {
    const m = group.first(req);
    const matched = m === undefined ? undefined : ref(m);
    // Envoy shadow engine: ALLOW allows on a match, DENY denies on a match, LOG never denies.
    const wouldAllow = action === 'ALLOW' ? m !== undefined : action === 'AUDIT' ? true : m === undefined;
    out.push(Object.freeze({ action, matched, wouldAllow }));
  }
  return out;
}

function withExtras(engine: Engine, req: AuthzRequest, d: AuthzDecision): AuthzDecision {
  if (!engine.extras) return d;
  const a = engine.audit?.first(req);
  return Object.freeze({ ...d, dryRun: Object.freeze(dryRunResults(engine, req)), audit: a === undefined ? undefined : ref(a) });
}

function rbac(engine: Engine, req: AuthzRequest): AuthzDecision {
  // DENY rules come first in the group: a DENY match denies; otherwise the first ALLOW match allows.
  const m = engine.rbac?.first(req);
  if (m !== undefined) return m.decision;
  return engine.hasAllow ? engine.defaultDeny : engine.noAllowPolicy;
}

/**
 * Decides one request against a snapshot.
 *
 * When `action` is `CUSTOM`, `allowed` is `false` until the caller has consulted every provider in
 * `custom`; if they all allow, `afterCustom` is the decision. Istio runs CUSTOM before JWT
 * authentication, and validation keeps `request.auth.*` out of CUSTOM rules, so one evaluation with
 * the verified JWT serves both stages.
 *
 * @example
 * ```ts
 * let d = evaluatePolicies(snapshot, req);
 * if (d.action === 'CUSTOM') d = (await allProvidersAllow(d.custom)) && d.afterCustom ? d.afterCustom : d;
 * if (!d.allowed) return res.status(403).send(d.reason); // "RBAC: access denied"
 * ```
 */
export function evaluatePolicies(snapshot: PolicySnapshot, req: AuthzRequest): AuthzDecision {
  const engine = snapshotEngine(snapshot);
  if (engine.customBad !== undefined) {
    const bad = engine.customBad.first(req);
    if (bad !== undefined) return withExtras(engine, req, bad.decision);
  }
  if (engine.custom.length > 0) {
    let checks: CustomCheck[] | undefined;
    for (const { provider, group } of engine.custom) {
      const m = group.first(req);
      if (m !== undefined) (checks ??= []).push(Object.freeze({ ...ref(m), provider }));
    }
    if (checks !== undefined) {
      const first = checks[0] as CustomCheck;
      const after = withExtras(engine, req, rbac(engine, req));
      return Object.freeze({
        allowed: false,
        action: 'CUSTOM',
        policy: first.policy,
        rule: first.rule,
        id: first.id,
        reason: ACCESS_DENIED,
        custom: Object.freeze(checks),
        afterCustom: after,
        dryRun: after.dryRun,
        audit: after.audit,
      });
    }
  }
  return withExtras(engine, req, rbac(engine, req));
}
