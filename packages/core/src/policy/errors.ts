import { MeshAuthError } from '../errors.js';
import { formatIssue, type ManifestIssue } from '../manifest/issues.js';

/**
 * One problem found in a policy manifest: where it is (file, document, policy, field) and what is wrong.
 *
 * @example
 * ```ts
 * try { parsePolicies(text, { file: 'deny.yaml' }) } catch (err) {
 *   if (err instanceof PolicyLoadError) for (const i of err.issues) console.error(formatIssue(i));
 * }
 * ```
 */
export type PolicyIssue = ManifestIssue;

export { formatIssue };

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
    super(summary(issues, 'loading Istio security manifests'), options);
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
