/** The annotation that turns a policy into a dry-run (shadow) policy. */
export const DRY_RUN_ANNOTATION = 'istio.io/dry-run';

/**
 * Go's `strconv.ParseBool`, as `pilot/pkg/security/authz/builder/builder.go` isDryRun applies it:
 * `1 t T TRUE true True` are true; anything that does not parse (`yes`, `on`, ``) logs an error in
 * istiod and the policy is enforced, so it is `false` here.
 *
 * @example
 * ```ts
 * isDryRun({ 'istio.io/dry-run': 'True' }); // true
 * isDryRun({ 'istio.io/dry-run': 'yes' });  // false (enforced)
 * ```
 */
export function isDryRun(annotations: Readonly<Record<string, string>> | undefined): boolean {
  const v = annotations?.[DRY_RUN_ANNOTATION];
  return v === '1' || v === 't' || v === 'T' || v === 'TRUE' || v === 'true' || v === 'True';
}

/**
 * Whether a dry-run annotation value is one Go's `strconv.ParseBool` rejects (istiod logs an error).
 *
 * @example
 * ```ts
 * isBadDryRunValue('yes'); // true
 * ```
 */
export function isBadDryRunValue(v: string): boolean {
  return !['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v);
}
