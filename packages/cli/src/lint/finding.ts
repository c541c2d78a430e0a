import { DRY_RUN_ANNOTATION, type PolicyIssue } from '@meshauth/core';
import { LINT_CODES, type LintCode } from './codes.js';

/**
 * A lint warning: a stable code, where it is, what happens, and a one-line fix.
 *
 * @example
 * ```ts
 * const f: LintFinding = {
 *   code: 'MA008', file: 'policies.yaml', document: 0, policy: 'shop/read', field: 'spec.rules[0].to[0].operation.methods[0]',
 *   message: '"get" never matches: methods are compared case-sensitively', hint: 'write "GET"',
 * };
 * ```
 */
export interface LintFinding {
  readonly code: LintCode;
  readonly file?: string;
  /** Index of the YAML document in its file (0-based). */
  readonly document?: number;
  /** `namespace/name`. */
  readonly policy?: string;
  /** Dotted field path inside the policy, e.g. `spec.rules[0].to[0].operation.paths[1]`. */
  readonly field: string;
  readonly message: string;
  readonly hint: string;
}

/**
 * Turns one of the core loader's warnings into a finding with a stable code.
 *
 * @example
 * ```ts
 * await loadPolicies(files, { onWarning: (w) => findings.push(coreWarningFinding(w)) });
 * ```
 */
export function coreWarningFinding(issue: PolicyIssue): LintFinding {
  let code: LintCode = 'MA017';
  if (issue.field.endsWith(`metadata.annotations.${DRY_RUN_ANNOTATION}`)) code = 'MA014';
  else if (/(^|\.)spec\.selector$/.test(issue.field)) code = 'MA015';
  else if (/\.when\[\d+\]\.key$/.test(issue.field)) code = 'MA016';
  return {
    code,
    ...(issue.file !== undefined ? { file: issue.file } : {}),
    ...(issue.document !== undefined ? { document: issue.document } : {}),
    ...(issue.policy !== undefined ? { policy: issue.policy } : {}),
    field: issue.field,
    message: issue.message,
    hint: LINT_CODES[code].hint,
  };
}
