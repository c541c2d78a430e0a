import { OptionError } from './errors.js';
import { compilePolicies } from './policy/compile.js';
import { loadPoliciesSync, type PolicyInput } from './policy/loader.js';
import { PolicySnapshot } from './policy/snapshot.js';
import { resolveWorkload, type WorkloadOptions } from './workload/pod-info.js';

/**
 * Mesh-wide settings that change how policies match, as `meshConfig` sets them for istiod.
 *
 * @example
 * ```ts
 * const mesh: MeshOptions = { trustDomain: 'prod.example', trustDomainAliases: ['cluster.local'] };
 * ```
 */
export interface MeshOptions {
  /** `meshConfig.rootNamespace`. Default `istio-system`. */
  rootNamespace?: string;
  /** `meshConfig.trustDomain`. Default `cluster.local`. */
  trustDomain?: string;
  /** `meshConfig.trustDomainAliases`. */
  trustDomainAliases?: readonly string[];
  /** Names of `meshConfig.extensionProviders`; CUSTOM policies naming another deny, as istiod makes them. */
  extensionProviders?: readonly string[];
}

/** Where policies come from: paths of files or directories, `{ text, file? }`, manifest objects, or a compiled snapshot. */
export type PoliciesOption = PolicyInput | readonly PolicyInput[] | PolicySnapshot;

/**
 * Loads, validates, scopes and compiles the configured policies, once. Any problem is an
 * `OptionError` at construction (fail closed: a service never starts with half its policies).
 *
 * @example
 * ```ts
 * const snapshot = policySnapshot('./policies', { namespace: 'shop' }, {});
 * ```
 */
export function policySnapshot(policies: PoliciesOption, workload: WorkloadOptions = {}, mesh: MeshOptions = {}): PolicySnapshot {
  if (policies instanceof PolicySnapshot) return policies;
  const { namespace, labels } = resolveWorkload(workload);
  if (namespace === undefined) {
    throw new OptionError('workload.namespace', 'is required to scope policies: set it, or POD_NAMESPACE, or run in a pod with a service account');
  }
  try {
    const loaded = loadPoliciesSync(policies, { defaultNamespace: namespace });
    return compilePolicies(loaded, { namespace, labels, ...mesh });
  } catch (err) {
    if (err instanceof OptionError) throw err;
    throw new OptionError('policies', `could not be loaded: ${(err as Error).message}`, { cause: err });
  }
}
