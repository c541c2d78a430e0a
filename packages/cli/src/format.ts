import { formatIssue, type AuthzDecision, type AuthzExplanation, type AuthzRequest, type DryRunResult, type PolicyIssue, type PolicySnapshot, type RuleRef } from '@meshauth/core';
import type { LintFinding } from './lint/finding.js';

/**
 * How decisions, explanations and findings print: readable text, or one JSON object per line.
 */

/** What CUSTOM providers are assumed to answer (`--assume-custom`). */
export type CustomAssumption = 'allow' | 'deny';

const BAD_CUSTOM_SUFFIX = '-deny-due-to-bad-CUSTOM-action';

/**
 * The decision that counts once CUSTOM providers are assumed to answer: with `allow` the
 * DENY/ALLOW decision that follows, otherwise the CUSTOM decision itself (denied).
 *
 * @example
 * ```ts
 * effectiveDecision(evaluatePolicies(snapshot, req), 'allow').allowed;
 * ```
 */
export function effectiveDecision(d: AuthzDecision, assume: CustomAssumption | undefined): AuthzDecision {
  return d.action === 'CUSTOM' && assume === 'allow' && d.afterCustom !== undefined ? d.afterCustom : d;
}

/**
 * One problem as one line: `error: file#doc ns/name: field: message`.
 *
 * @example
 * ```ts
 * issueLine('error', { file: 'a.yaml', document: 0, policy: 'shop/x', field: 'spec.action', message: 'bad' });
 * // 'error: a.yaml#0 shop/x: spec.action: bad'
 * ```
 */
export function issueLine(severity: 'error' | 'warning', issue: PolicyIssue): string {
  return `${severity}: ${formatIssue(issue)}`;
}

/**
 * A finding as two lines: the warning with its code and location, then the fix.
 *
 * @example
 * ```ts
 * findingLines(finding); // ['warning MA008: a.yaml#0 shop/x: spec.rules[0]...: "get" never matches: ...', '  fix: write "GET"']
 * ```
 */
export function findingLines(f: LintFinding): string[] {
  return [formatWarning(f), `  fix: ${f.hint}`];
}

/**
 * A finding as one line, without the fix (load warnings of `check` and `explain`).
 *
 * @example
 * ```ts
 * formatWarning(coreWarningFinding(issue)); // 'warning MA014: a.yaml#0 shop/x: metadata.annotations.istio.io/dry-run: ...'
 * ```
 */
export function formatWarning(f: LintFinding): string {
  return `warning ${f.code}: ${formatIssue(f)}`;
}

/**
 * A finding as a JSON object (one line of `lint --json`).
 *
 * @example
 * ```ts
 * JSON.stringify(findingJson(finding));
 * ```
 */
export function findingJson(f: LintFinding): Record<string, unknown> {
  return { severity: 'warning', code: f.code, file: f.file ?? null, document: f.document ?? null, policy: f.policy ?? null, field: f.field, message: f.message, hint: f.hint };
}

/**
 * A load error as a JSON object (one line of `lint --json`).
 *
 * @example
 * ```ts
 * JSON.stringify(errorJson(issue));
 * ```
 */
export function errorJson(i: PolicyIssue): Record<string, unknown> {
  return { severity: 'error', file: i.file ?? null, document: i.document ?? null, policy: i.policy ?? null, field: i.field, message: i.message };
}

function refJson(r: RuleRef | undefined): Record<string, unknown> | null {
  return r === undefined ? null : { policy: r.policy, rule: r.rule, id: r.id };
}

/**
 * A decision as plain JSON, with `null` for absent references so every object has the same keys.
 *
 * @example
 * ```ts
 * decisionJson(evaluatePolicies(snapshot, req)); // { allowed: false, action: 'DENY', policy: 'shop/deny-admin', ... }
 * ```
 */
export function decisionJson(d: AuthzDecision): Record<string, unknown> {
  return {
    allowed: d.allowed,
    action: d.action,
    policy: d.policy ?? null,
    rule: d.rule ?? null,
    id: d.id ?? null,
    reason: d.reason,
    custom: d.custom.map((c) => ({ provider: c.provider, policy: c.policy, rule: c.rule, id: c.id })),
    afterCustom: d.afterCustom === undefined ? null : decisionJson(d.afterCustom),
    dryRun: d.dryRun.map((r) => ({ action: r.action, matched: refJson(r.matched), wouldAllow: r.wouldAllow })),
    audit: refJson(d.audit),
  };
}

/**
 * A one-line summary of a request: `GET orders.shop/admin [peer cluster.local/ns/shop/sa/frontend]`.
 *
 * @example
 * ```ts
 * requestSummary({ method: 'GET', path: '/admin', host: 'orders.shop', headers: {} }); // 'GET orders.shop/admin'
 * ```
 */
export function requestSummary(r: AuthzRequest): string {
  const who: string[] = [];
  if (r.peer) who.push(`peer ${r.peer.principal}`);
  if (r.auth) {
    const { iss, sub } = r.auth.claims;
    who.push(`jwt ${r.auth.principal ?? (typeof iss === 'string' && typeof sub === 'string' ? `${iss}/${sub}` : '(no iss/sub)')}`);
  }
  return `${r.method} ${r.host}${r.path}${who.length > 0 ? ` [${who.join(', ')}]` : ''}`;
}

function verdict(d: AuthzDecision, snapshot: PolicySnapshot): string {
  switch (d.action) {
    case 'NONE':
      return 'allowed: no ALLOW policy applies and no DENY rule matched';
    case 'ALLOW':
      return d.allowed ? `allowed by ALLOW ${d.id}` : 'denied: ALLOW policies apply and none of their rules matched';
    case 'DENY': {
      if (d.id?.endsWith(BAD_CUSTOM_SUFFIX)) {
        const why = snapshot.policies.find((p) => p.name === d.policy)?.badCustom;
        return `denied by DENY ${d.id} (the CUSTOM policy fails closed${why === undefined ? '' : `: ${why}`})`;
      }
      return `denied by DENY ${d.id}`;
    }
    case 'CUSTOM':
      return `denied by CUSTOM ${d.id}`;
  }
}

function dryRunText(r: DryRunResult): string {
  const id = r.matched?.id;
  switch (r.action) {
    case 'ALLOW':
      return id ? `would allow (${id})` : 'would deny (no rule matched)';
    case 'DENY':
      return id ? `would deny (${id})` : 'would not deny (no rule matched)';
    case 'AUDIT':
      return id ? `would audit (${id})` : 'no rule matched';
    case 'CUSTOM':
      return id ? `would call the provider (${id})` : 'no rule matched';
  }
}

/**
 * The lines that state a decision: the verdict, CUSTOM providers, dry-run results, audit.
 *
 * @example
 * ```ts
 * decisionLines(decision, snapshot, undefined); // ['denied by DENY ns[shop]-policy[deny-admin]-rule[0]']
 * ```
 */
export function decisionLines(d: AuthzDecision, snapshot: PolicySnapshot, assume: CustomAssumption | undefined): string[] {
  const out: string[] = [];
  if (d.action === 'CUSTOM') {
    const providers = d.custom.map((c) => `"${c.provider}" (${c.id})`).join(', ');
    const plural = d.custom.length === 1 ? 'provider' : 'providers';
    const after = d.afterCustom === undefined ? 'allowed' : verdict(d.afterCustom, snapshot);
    if (assume === 'allow') {
      out.push(`CUSTOM ${plural} ${providers} assumed to allow`, after);
    } else if (assume === 'deny') {
      out.push(`denied by CUSTOM ${plural} ${providers} (assumed to deny)`);
    } else {
      out.push(`denied until CUSTOM ${plural} ${providers} allow${d.custom.length === 1 ? 's' : ''} (see --assume-custom)`, `if allowed by the ${plural}: ${after}`);
    }
  } else {
    out.push(verdict(d, snapshot));
  }
  for (const r of d.dryRun) out.push(`dry-run ${r.action}: ${dryRunText(r)}`);
  if (d.audit !== undefined) out.push(`audit: ${d.audit.id}`);
  return out;
}

const list = (label: string, values: readonly string[]): string | undefined => (values.length > 0 ? `${label} ${JSON.stringify(values)}` : undefined);

/**
 * The trace of an explanation: every policy in scope, every rule, every field and what the
 * request carried; then the policies not in scope and why.
 *
 * @example
 * ```ts
 * for (const line of traceLines(explainPolicies(snapshot, req))) console.log(line);
 * ```
 */
export function traceLines(e: AuthzExplanation): string[] {
  const out: string[] = [];
  if (e.trace.length === 0) out.push('trace: no policy applies to the workload');
  else out.push('trace:');
  for (const p of e.trace) {
    const tags = [p.action, ...(p.dryRun ? ['dry-run'] : []), ...(p.provider !== undefined ? [`provider ${p.provider}`] : [])].join(', ');
    out.push(`  ${p.policy} (${tags}): ${p.matched ? 'matched' : 'no match'}`);
    if (p.note !== undefined) out.push(`    note: ${p.note}`);
    if (p.badCustom !== undefined) out.push(`    fails closed: ${p.badCustom}`);
    for (const r of p.rules) {
      const state = r.dropped !== undefined ? 'dropped' : r.matched ? 'matched' : 'no match';
      const empty = r.fields.length === 0 && r.dropped === undefined ? ' (an empty rule matches every request)' : '';
      out.push(`    rule[${r.rule}] ${r.id}: ${state}${empty}`);
      if (r.dropped !== undefined) out.push(`      dropped: ${r.dropped}`);
      for (const i of r.ignored) out.push(`      ignored: ${i}`);
      for (const f of r.fields) {
        const expected = [list('values', f.values), list('notValues', f.notValues)].filter((x) => x !== undefined).join('; ');
        out.push(`      [${f.matched ? '+' : '-'}] ${f.field}: ${f.saw}${expected === '' ? '' : `; ${expected}`}`);
      }
    }
  }
  if (e.skipped.length > 0) {
    out.push('not in scope:');
    for (const s of e.skipped) out.push(`  ${s.policy}: ${s.reason}`);
  }
  return out;
}
