
/**
 * Which AuthorizationPolicy and RequestAuthentication resources apply to this workload, as
 * istiod decides for a sidecar (`pilot/pkg/model/authorization.go` ListAuthorizationPolicies,
 * `pilot/pkg/model/policyattachment.go` WorkloadPolicyMatcher.ShouldAttachPolicy; the same
 * matcher serves RequestAuthentication): resources of the workload's namespace and of the root
 * namespace; one with `targetRef`/`targetRefs` is for Gateways and waypoints and is ignored;
 * otherwise it applies when it has no selector or its `matchLabels` are a subset of the labels.
 */

/** The parts of a resource that scoping reads. */
export interface ScopedResource {
  readonly metadata: { readonly namespace: string };
  readonly spec: {
    readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> } | undefined;
    readonly targetRef?: unknown;
    readonly targetRefs?: readonly unknown[] | undefined;
  };
}

/**
 * The workload a snapshot is compiled for.
 *
 * @example
 * ```ts
 * const w: WorkloadScope = { namespace: 'shop', labels: { app: 'orders' }, rootNamespace: 'istio-system' };
 * ```
 */
export interface WorkloadScope {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly rootNamespace: string;
}

/**
 * Returns `undefined` when the resource applies to the workload, else why it does not.
 *
 * @example
 * ```ts
 * scopeMismatch(policy, { namespace: 'shop', labels: { app: 'orders' }, rootNamespace: 'istio-system' });
 * // undefined, or e.g. 'selector app=cart does not match the workload labels'
 * ```
 */
export function scopeMismatch(resource: ScopedResource, workload: WorkloadScope): string | undefined {
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
