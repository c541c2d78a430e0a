import { DEFAULT_ROOT_NAMESPACE, DEFAULT_TRUST_DOMAIN, type AuthorizationPolicy, type CompileOptions } from '@meshauth/core';
import { UsageError, commaList } from './args.js';

/**
 * The workload `check` and `explain` evaluate for: its namespace and labels (which policies apply,
 * as istiod scopes them for a sidecar) and the mesh settings istiod compiles with.
 */

/**
 * The workload options as given on the command line.
 *
 * @example
 * ```ts
 * const o: WorkloadArgs = { namespace: 'shop', labels: ['app=orders,version=v1'] };
 * ```
 */
export interface WorkloadArgs {
  readonly namespace?: string | undefined;
  readonly labels?: readonly string[] | undefined;
  readonly rootNamespace?: string | undefined;
  readonly trustDomain?: string | undefined;
  readonly trustDomainAliases?: readonly string[] | undefined;
  readonly extensionProviders?: readonly string[] | undefined;
  readonly spaceDelimitedClaims?: readonly string[] | undefined;
}

/**
 * The resolved workload: compile options plus whether the namespace was inferred.
 *
 * @example
 * ```ts
 * const w = resolveWorkload({ labels: ['app=orders'] }, policies);
 * compilePolicies(policies, w.options);
 * ```
 */
export interface Workload {
  readonly options: CompileOptions & { readonly labels: Readonly<Record<string, string>>; readonly rootNamespace: string };
  /** True when `--namespace` was not given and the namespace was read from the policies. */
  readonly inferred: boolean;
}

/**
 * Parses `--labels` values: comma-separated `key=value` pairs, repeatable.
 *
 * @example
 * ```ts
 * parseLabels(['app=orders,version=v1']); // { app: 'orders', version: 'v1' }
 * ```
 */
export function parseLabels(values: readonly string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of commaList(values)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--labels: "${pair}" is not key=value`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (Object.hasOwn(labels, key) && labels[key] !== value) throw new UsageError(`--labels: "${key}" is given twice`);
    labels[key] = value;
  }
  return labels;
}

/**
 * Without `--namespace`: the namespace of the policies outside the root namespace when they all
 * share one, `default` when there are none, else a usage error.
 */
function inferNamespace(policies: readonly AuthorizationPolicy[], rootNamespace: string): string {
  const namespaces = [...new Set(policies.map((p) => p.metadata.namespace).filter((ns) => ns !== rootNamespace))].sort();
  if (namespaces.length === 0) return 'default';
  if (namespaces.length === 1) return namespaces[0] as string;
  throw new UsageError(`the policies are in several namespaces (${namespaces.join(', ')}): choose the workload's with --namespace`);
}

/**
 * Builds the compile options of the workload.
 *
 * @example
 * ```ts
 * resolveWorkload({ namespace: 'shop', labels: ['app=orders'] }, policies).options;
 * // { namespace: 'shop', labels: { app: 'orders' }, rootNamespace: 'istio-system', trustDomain: 'cluster.local', ... }
 * ```
 */
export function resolveWorkload(args: WorkloadArgs, policies: readonly AuthorizationPolicy[]): Workload {
  const rootNamespace = args.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const inferred = args.namespace === undefined;
  const namespace = args.namespace ?? inferNamespace(policies, rootNamespace);
  const aliases = commaList(args.trustDomainAliases);
  const providers = commaList(args.extensionProviders);
  const claims = commaList(args.spaceDelimitedClaims);
  return {
    inferred,
    options: {
      namespace,
      labels: parseLabels(args.labels),
      rootNamespace,
      trustDomain: args.trustDomain ?? DEFAULT_TRUST_DOMAIN,
      ...(aliases.length > 0 ? { trustDomainAliases: aliases } : {}),
      ...(args.extensionProviders !== undefined ? { extensionProviders: providers } : {}),
      ...(claims.length > 0 ? { spaceDelimitedClaims: claims } : {}),
    },
  };
}

/**
 * One line describing the workload: `namespace shop, labels app=orders`.
 *
 * @example
 * ```ts
 * describeWorkload(w); // 'namespace shop (from the policies), labels app=orders'
 * ```
 */
export function describeWorkload(w: Workload): string {
  const labels = Object.entries(w.options.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return `namespace ${w.options.namespace}${w.inferred ? ' (from the policies)' : ''}, labels ${labels === '' ? '(none)' : labels}`;
}
