import {
  PolicyLoadError,
  compilePolicies,
  evaluatePolicies,
  explainPolicies,
  type AuthorizationPolicy,
  type AuthzDecision,
  type PolicyIssue,
  type PolicySnapshot,
} from '@meshauth/core';
import { UsageError, parse } from './args.js';
import { CHECK_HELP, EXPLAIN_HELP } from './help.js';
import { lines, type CliIo } from './io.js';
import { coreWarningFinding } from './lint/finding.js';
import { loadPolicyFiles } from './policies.js';
import { entryLocation, readRequests, requestSource, type RequestEntry } from './request-source.js';
import {
  decisionJson,
  decisionLines,
  effectiveDecision,
  formatWarning,
  issueLine,
  requestSummary,
  traceLines,
  type CustomAssumption,
} from './format.js';
import { describeWorkload, resolveWorkload } from './workload.js';
import { EXIT_DENIED, EXIT_OK, EXIT_USAGE, usageFailure } from './exit.js';

/**
 * `meshauth check` and `meshauth explain`: load the policies, scope them to the workload as
 * istiod would, and decide each request; `explain` adds the trace of every policy and rule.
 */

const OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  namespace: { type: 'string', short: 'n' },
  labels: { type: 'string', short: 'l', multiple: true },
  'root-namespace': { type: 'string' },
  'trust-domain': { type: 'string' },
  'trust-domain-alias': { type: 'string', multiple: true },
  'extension-provider': { type: 'string', multiple: true },
  'space-delimited-claims': { type: 'string', multiple: true },
  'default-namespace': { type: 'string' },
  request: { type: 'string' },
  requests: { type: 'string' },
  'assume-custom': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Mode = 'check' | 'explain';

interface Tally {
  allowed: number;
  denied: number;
  invalid: number;
  failedExpectations: number;
  /** Denied without an expectation, or a failed expectation. */
  failing: number;
}

function describeCount(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

async function decide(mode: Mode, argv: readonly string[], io: CliIo): Promise<number> {
  const out = lines(io.stdout);
  const err = lines(io.stderr);
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help === true) {
    io.stdout(mode === 'check' ? CHECK_HELP : EXPLAIN_HELP);
    return EXIT_OK;
  }
  const assumeRaw = values['assume-custom'];
  if (assumeRaw !== undefined && assumeRaw !== 'allow' && assumeRaw !== 'deny') {
    throw new UsageError(`--assume-custom must be "allow" or "deny", found "${assumeRaw}"`);
  }
  const assume: CustomAssumption | undefined = assumeRaw;
  const source = requestSource({ request: values.request, requests: values.requests, positionals });
  const files = values.filename ?? [];
  if (files.includes('-') && source.from === '-') throw new UsageError('stdin cannot hold both the policies (-f -) and the requests');

  let policies: AuthorizationPolicy[];
  const warnings: PolicyIssue[] = [];
  try {
    policies = await loadPolicyFiles(files, io, {
      defaultNamespace: values['default-namespace'] ?? values.namespace,
      onWarning: (w) => warnings.push(w),
    });
  } catch (e) {
    if (!(e instanceof PolicyLoadError)) throw e;
    for (const issue of e.issues) err(issueLine('error', issue));
    return EXIT_USAGE;
  }
  for (const w of warnings) err(formatWarning(coreWarningFinding(w)));

  const workload = resolveWorkload(
    {
      namespace: values.namespace,
      labels: values.labels,
      rootNamespace: values['root-namespace'],
      trustDomain: values['trust-domain'],
      trustDomainAliases: values['trust-domain-alias'],
      extensionProviders: values['extension-provider'],
      spaceDelimitedClaims: values['space-delimited-claims'],
    },
    policies,
  );
  let snapshot: PolicySnapshot;
  try {
    snapshot = compilePolicies(policies, workload.options);
  } catch (e) {
    // Option errors name the option ("namespace" option must be ...).
    throw new UsageError((e as Error).message);
  }
  const entries = await readRequests(source, io);
  if (entries.length === 0) {
    err(`error: ${source.from === '-' ? '<stdin>' : source.from}: no request found`);
    return EXIT_USAGE;
  }
  const json = values.json === true;
  if (!json) out(`workload: ${describeWorkload(workload)}; ${snapshot.policies.length} of ${policies.length} ${policies.length === 1 ? 'policy applies' : 'policies apply'}`);

  const tally: Tally = { allowed: 0, denied: 0, invalid: 0, failedExpectations: 0, failing: 0 };
  for (const entry of entries) {
    if (entry.parsed === undefined) {
      tally.invalid++;
      for (const i of entry.issues ?? []) err(`error: ${entryLocation(entry)}: ${i.field === '' ? '' : `${i.field}: `}${i.message}`);
      continue;
    }
    report(mode, entry, snapshot, assume, json, out, tally);
  }
  if (!json && source.kind === 'lines') {
    const parts = [`${tally.allowed} allowed`, `${tally.denied} denied`];
    if (tally.invalid > 0) parts.push(`${tally.invalid} invalid`);
    if (tally.failedExpectations > 0) parts.push(describeCount(tally.failedExpectations, 'failed expectation'));
    out(`${describeCount(entries.length, 'request')}: ${parts.join(', ')}`);
  }
  if (tally.invalid > 0) return EXIT_USAGE;
  return tally.failing > 0 ? EXIT_DENIED : EXIT_OK;
}

function report(
  mode: Mode,
  entry: RequestEntry,
  snapshot: PolicySnapshot,
  assume: CustomAssumption | undefined,
  json: boolean,
  out: (line: string) => void,
  tally: Tally,
): void {
  const parsed = entry.parsed;
  if (parsed === undefined) return;
  const { request, name, expect } = parsed;
  const explanation = mode === 'explain' ? explainPolicies(snapshot, request) : undefined;
  const decision: AuthzDecision = explanation ?? evaluatePolicies(snapshot, request);
  const effective = effectiveDecision(decision, assume);
  const allowed = effective.allowed;
  if (allowed) tally.allowed++;
  else tally.denied++;
  const pass = expect === undefined ? undefined : (expect === 'allow') === allowed;
  if (pass === false) tally.failedExpectations++;
  // With an expectation the expectation decides the exit code; without one a denial does.
  if (pass === false || (expect === undefined && !allowed)) tally.failing++;

  if (json) {
    const record: Record<string, unknown> = {
      request: entry.index,
      ...(entry.line !== undefined ? { line: entry.line } : {}),
      ...(name !== undefined ? { name } : {}),
      ...decisionJson(effective),
      ...(decision.action === 'CUSTOM' && assume !== undefined ? { custom: decisionJson(decision)['custom'], assumedCustom: assume } : {}),
      ...(expect !== undefined ? { expect, pass } : {}),
      ...(explanation !== undefined ? { trace: explanation.trace, skipped: explanation.skipped } : {}),
    };
    out(JSON.stringify(record));
    return;
  }
  const label = name !== undefined ? `${name} (${entryLocation(entry)})` : entryLocation(entry);
  out(`${label}: ${requestSummary(request)}`);
  for (const line of decisionLines(decision, snapshot, assume)) out(`  ${line}`);
  if (expect !== undefined) out(pass ? `  expected ${expect}: ok` : `  expected ${expect}, got ${allowed ? 'allow' : 'deny'}: FAIL`);
  if (explanation !== undefined) for (const line of traceLines(explanation)) out(`  ${line}`);
}

/**
 * `meshauth check`: prints one decision per request. Returns the exit code: 0 when every request
 * is allowed (or meets its `expect`), 1 when one is denied (or misses its `expect`), 2 on usage,
 * load or request errors.
 *
 * @example
 * ```ts
 * const code = await runCheck(['-f', 'policies/', '-n', 'shop', '--request', '{"path":"/admin"}'], processIo());
 * ```
 */
export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  return usageFailure('check', io, () => decide('check', argv, io));
}

/**
 * `meshauth explain`: like {@link runCheck}, then the trace of every policy and rule considered.
 *
 * @example
 * ```ts
 * const code = await runExplain(['-f', 'policies/', '--request', 'request.json'], processIo());
 * ```
 */
export async function runExplain(argv: readonly string[], io: CliIo): Promise<number> {
  return usageFailure('explain', io, () => decide('explain', argv, io));
}
