import { scopeMismatch, type WorkloadScope } from '../workload/scope.js';
import type { JwtRule } from './model.js';
import type { RequestAuthentication } from './model.js';

/**
 * The JWT rules of every RequestAuthentication that applies to the workload, in input order;
 * istiod merges them all into one jwt_authn configuration (policy_applier.go).
 *
 * @example
 * ```ts
 * const rules = jwtRulesForWorkload(resources, { namespace: 'shop', labels: { app: 'orders' }, rootNamespace: 'istio-system' });
 * const authenticator = createRequestAuthenticator(rules);
 * ```
 */
export function jwtRulesForWorkload(resources: readonly RequestAuthentication[], workload: WorkloadScope): JwtRule[] {
  const out: JwtRule[] = [];
  for (const r of resources) if (scopeMismatch(r, workload) === undefined) out.push(...(r.spec.jwtRules ?? []));
  return out;
}
