import type { JwtRule, RequestAuthentication } from './model.js';

/**
 * Which RequestAuthentications apply to a workload, with the same selection as for
 * AuthorizationPolicy (istio/istio `pilot/pkg/model/policyattachment.go` ShouldAttachPolicy, and
 * `pilot/pkg/model/authentication.go` for RequestAuthentication): resources of the workload's
 * namespace and of the root namespace; a resource with `targetRef`/`targetRefs` is for gateways and
 * waypoints and never applies to a sidecar; otherwise it applies when it has no selector or its
 * `matchLabels` are a subset of the workload's labels. The rules of every applying resource are
 * merged (reference §1); `createRequestAuthenticator` sorts them by issuer.
 */

/**
 * The workload being protected.
 *
 * @example
 * ```ts
 * const w: AuthnWorkload = { namespace: 'shop', labels: { app: 'orders' }, rootNamespace: 'istio-system' };
 * ```
 */
export interface AuthnWorkload {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly rootNamespace: string;
}

/**
 * `undefined` when the resource applies to the workload, else why it does not.
 *
 * @example
 * ```ts
 * requestAuthnScopeMismatch(ra, { namespace: 'shop', labels: { app: 'orders' }, rootNamespace: 'istio-system' });
 * // undefined, or e.g. 'selector app=cart does not match the workload labels'
 * ```
 */
export function requestAuthnScopeMismatch(resource: RequestAuthentication, workload: AuthnWorkload): string | undefined {
  const ns = resource.metadata.namespace;
  if (ns !== workload.namespace && ns !== workload.rootNamespace) {
    return `namespace ${ns} is neither the workload namespace ${workload.namespace} nor the root namespace ${workload.rootNamespace}`;
  }
  const { spec } = resource;
  if (spec.targetRef !== undefined || (spec.targetRefs?.length ?? 0) > 0) {
    return 'targetRef/targetRefs attach the resource to gateways or waypoints, never to a sidecar workload';
  }
  const matchLabels = spec.selector?.matchLabels;
  if (matchLabels === undefined) return undefined;
  for (const [k, v] of Object.entries(matchLabels)) {
    if (!Object.hasOwn(workload.labels, k) || workload.labels[k] !== v) {
      const want = Object.entries(matchLabels).map(([a, b]) => `${a}=${b}`).join(',');
      return `selector ${want} does not match the workload labels`;
    }
  }
  return undefined;
}

/**
 * The merged `jwtRules` of every resource that applies to the workload, in input order (pass
 * the result to `createRequestAuthenticator`, which sorts by issuer).
 *
 * @example
 * ```ts
 * const rules = jwtRulesForWorkload(resources, { namespace: 'shop', labels: { app: 'orders' }, rootNamespace: 'istio-system' });
 * const authn = createRequestAuthenticator(rules);
 * ```
 */
export function jwtRulesForWorkload(resources: readonly RequestAuthentication[], workload: AuthnWorkload): JwtRule[] {
  const out: JwtRule[] = [];
  for (const r of resources) if (requestAuthnScopeMismatch(r, workload) === undefined) out.push(...(r.spec.jwtRules ?? []));
  return out;
}
