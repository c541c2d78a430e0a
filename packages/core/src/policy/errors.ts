import { MeshAuthError } from '../errors.js';

/**
 * One problem found in a policy manifest: where it is (file, document, policy, field) and what is wrong.
 *
 * @example
 * ```ts
 * try { parsePolicies(text, { file: 'deny.yaml' }) } catch (err) {
 *   if (err instanceof PolicyLoadError) for (const i of err.issues) console.error(i.field, i.message);
 * }
 * ```
 */
export interface PolicyIssue {
  /** The file the manifest came from, when known. */
  readonly file?: string;
  /** Index of the YAML document in its file (0-based), when the input had documents. */
  readonly document?: number;
  /** `namespace/name` of the policy, when the metadata could be read. */
  readonly policy?: string;
  /** Dotted field path inside the document, e.g. `spec.rules[0].to[0].operation.paths[1]`. */
  readonly field: string;
  /** What is wrong, as a sentence. */
  readonly message: string;
}

/**
 * Formats an issue the way every error and warning prints it:
 * `policies/deny.yaml#2 shop/deny-admin: spec.rules[0].to[0].operation.paths[1]: ...`.
 *
 * @example
 * ```ts
 * formatIssue({ file: 'a.yaml', document: 0, policy: 'shop/x', field: 'spec.action', message: 'bad' });
 * // "a.yaml#0 shop/x: spec.action: bad"
 * ```
 */
export function formatIssue(issue: PolicyIssue): string {
  let where = issue.file ?? '<input>';
  if (issue.document !== undefined) where += `#${issue.document}`;
  if (issue.policy !== undefined) where += ` ${issue.policy}`;
  return issue.field === '' ? `${where}: ${issue.message}` : `${where}: ${issue.field}: ${issue.message}`;
}

function summary(issues: readonly PolicyIssue[], what: string): string {
  const head = `${issues.length} problem${issues.length === 1 ? '' : 's'} ${what}`;
  return [head, ...issues.map((i) => `  - ${formatIssue(i)}`)].join('\n');
}

/**
 * Loading manifests failed. Carries every problem found; nothing of the load is returned.
 *
 * @example
 * ```ts
 * try { await loadPolicies('policies/') } catch (err) {
 *   if (err instanceof PolicyLoadError) console.error(err.message); // lists every problem, one a line
 * }
 * ```
 */
export class PolicyLoadError extends MeshAuthError {
  readonly code = 'ERR_POLICY_LOAD' as const;
  /** Every problem found, in input order. */
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[], options?: { cause?: unknown }) {
    super(summary(issues, 'loading AuthorizationPolicy manifests'), options);
    this.issues = Object.freeze([...issues]);
  }
}

/**
 * A policy object handed to `compilePolicies` is not valid (the loader was bypassed).
 *
 * @example
 * ```ts
 * try { compilePolicies([handMade], { namespace: 'shop' }) } catch (err) {
 *   if (err instanceof PolicyInvalidError) console.error(err.issues[0]?.field);
 * }
 * ```
 */
export class PolicyInvalidError extends MeshAuthError {
  readonly code = 'ERR_POLICY_INVALID' as const;
  /** Every problem found. */
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[], options?: { cause?: unknown }) {
    super(summary(issues, 'in AuthorizationPolicy objects'), options);
    this.issues = Object.freeze([...issues]);
  }
}
