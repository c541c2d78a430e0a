import { PolicyLoadError, type AuthorizationPolicy } from '@meshauth/core';
import { UsageError, commaList, parse } from '../args.js';
import { EXIT_DENIED, EXIT_OK, EXIT_USAGE, usageFailure } from '../exit.js';
import { errorJson, findingJson, findingLines, issueLine } from '../format.js';
import { LINT_HELP } from '../help.js';
import { lines, type CliIo } from '../io.js';
import { loadPolicyFiles } from '../policies.js';
import { isLintCode, type LintCode } from './codes.js';
import { coreWarningFinding, type LintFinding } from './finding.js';
import { lintPolicies } from './rules.js';

const OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  json: { type: 'boolean' },
  ignore: { type: 'string', multiple: true },
  tcp: { type: 'boolean' },
  'default-namespace': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Findings in policy load order; within a policy, the loader's warnings first. */
function ordered(findings: readonly LintFinding[], policies: readonly AuthorizationPolicy[]): LintFinding[] {
  const index = new Map(policies.map((p, i) => [`${p.metadata.namespace}/${p.metadata.name}`, i]));
  return findings
    .map((f, i) => ({ f, i, p: f.policy === undefined ? -1 : (index.get(f.policy) ?? -1) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.f);
}

async function lint(argv: readonly string[], io: CliIo): Promise<number> {
  const out = lines(io.stdout);
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help === true) {
    io.stdout(LINT_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (policy files go after -f)`);
  const ignored = new Set<LintCode>();
  for (const code of commaList(values.ignore)) {
    const upper = code.toUpperCase();
    if (!isLintCode(upper)) throw new UsageError(`--ignore: unknown lint code "${code}"`);
    ignored.add(upper);
  }
  const json = values.json === true;
  const core: LintFinding[] = [];
  let policies: AuthorizationPolicy[];
  try {
    policies = await loadPolicyFiles(values.filename ?? [], io, {
      defaultNamespace: values['default-namespace'],
      onWarning: (w) => core.push(coreWarningFinding(w)),
    });
  } catch (e) {
    if (!(e instanceof PolicyLoadError)) throw e;
    for (const issue of e.issues) out(json ? JSON.stringify(errorJson(issue)) : issueLine('error', issue));
    if (!json) out(`${plural(e.issues.length, 'error')}: the policies do not load`);
    return EXIT_USAGE;
  }
  const findings = ordered([...core, ...lintPolicies(policies, { tcp: values.tcp === true })], policies).filter((f) => !ignored.has(f.code));
  for (const f of findings) {
    if (json) out(JSON.stringify(findingJson(f)));
    else for (const line of findingLines(f)) out(line);
  }
  if (!json) {
    const files = new Set(policies.map((p) => p.origin?.file)).size;
    const scope = `${plural(policies.length, 'policy').replace('policys', 'policies')} (${plural(files, 'file')})`;
    out(findings.length === 0 ? `no problems in ${scope}` : `${plural(findings.length, 'warning')} in ${scope}`);
  }
  return findings.length > 0 ? EXIT_DENIED : EXIT_OK;
}

/**
 * `meshauth lint`: validation errors (exit 2 when the files do not load) and warnings with stable
 * codes (exit 1 when any remain after `--ignore`), each with its location and a one-line fix.
 *
 * @example
 * ```ts
 * const code = await runLint(['-f', 'policies/', '--ignore', 'MA005'], processIo());
 * ```
 */
export async function runLint(argv: readonly string[], io: CliIo): Promise<number> {
  return usageFailure('lint', io, () => lint(argv, io));
}
