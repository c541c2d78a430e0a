import { createRequestAuthenticator, type RequestAuthenticator } from './authn/authenticator.js';
import type { RequestAuthenticatorOptions } from './authn/options.js';
import { jwtRulesForWorkload } from './authn/scope.js';
import { OptionError } from './errors.js';
import { compilePolicies } from './policy/compile.js';
import { loadManifestsSync, type PolicyInput } from './policy/loader.js';
import { DEFAULT_ROOT_NAMESPACE } from './policy/options.js';
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

/** What the manifests configure for this workload. */
export interface SecurityConfig {
  /** Compiled AuthorizationPolicies (possibly none). */
  readonly policies: PolicySnapshot;
  /** JWT checks of the RequestAuthentications in scope; `undefined` when none applies. */
  readonly authenticator: RequestAuthenticator | undefined;
}

/**
 * Loads, validates, scopes and compiles the AuthorizationPolicy and RequestAuthentication
 * manifests, once. Any problem is an `OptionError` at construction (fail closed: a service never
 * starts with half its policies).
 *
 * @example
 * ```ts
 * const { policies, authenticator } = securityConfig('./policies', { namespace: 'shop' }, {}, {});
 * ```
 */
export function securityConfig(
  source: PoliciesOption,
  workload: WorkloadOptions = {},
  mesh: MeshOptions = {},
  jwt: RequestAuthenticatorOptions = {},
): SecurityConfig {
  if (source instanceof PolicySnapshot) return { policies: source, authenticator: undefined };
  const { namespace, labels } = resolveWorkload(workload);
  if (namespace === undefined) {
    throw new OptionError('workload.namespace', 'is required to scope policies: set it, or POD_NAMESPACE, or run in a pod with a service account');
  }
  let manifests;
  let policies: PolicySnapshot;
  try {
    manifests = loadManifestsSync(source, { defaultNamespace: namespace });
    policies = compilePolicies(manifests.policies, { namespace, labels, ...mesh });
  } catch (err) {
    if (err instanceof OptionError) throw err;
    throw new OptionError('policies', `could not be loaded: ${(err as Error).message}`, { cause: err });
  }
  const rules = jwtRulesForWorkload(manifests.requestAuthentications, { namespace, labels, rootNamespace: mesh.rootNamespace ?? DEFAULT_ROOT_NAMESPACE });
  return { policies, authenticator: rules.length === 0 ? undefined : createRequestAuthenticator(rules, jwt) };
}
