import { OptionError } from '../errors.js';

/**
 * Options of {@link compilePolicies}: the workload the snapshot is for, and the mesh settings
 * istiod applies when it builds Envoy's RBAC config.
 *
 * @example
 * ```ts
 * const options: CompileOptions = {
 *   namespace: 'shop', labels: { app: 'orders' },
 *   trustDomain: 'cluster.local', trustDomainAliases: ['old-td'],
 *   extensionProviders: ['opa'],
 * };
 * ```
 */
export interface CompileOptions {
  /** The workload's namespace. Required. */
  readonly namespace: string;
  /** The workload's labels, matched against `spec.selector.matchLabels`. Default none. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `meshConfig.rootNamespace`. Default `istio-system`. */
  readonly rootNamespace?: string;
  /** `meshConfig.trustDomain`. Default `cluster.local`. */
  readonly trustDomain?: string;
  /** `meshConfig.trustDomainAliases`. Default none. */
  readonly trustDomainAliases?: readonly string[];
  /**
   * Names of `meshConfig.extensionProviders`. When given, CUSTOM policies naming another provider
   * fail closed as istiod makes them (their rules deny). When absent, provider names are not checked.
   */
  readonly extensionProviders?: readonly string[];
  /**
   * istiod's `PILOT_ENABLE_MULTIPLE_CUSTOM_AUTHZ_PROVIDERS`. Without it, a workload whose CUSTOM
   * policies name more than one provider gets deny rules instead. Default `false`.
   */
  readonly multipleCustomProviders?: boolean;
  /**
   * Claims split on spaces before matching, in addition to `scope` and `permission`
   * (`RequestAuthentication.jwtRules[].spaceDelimitedClaims`). Default none.
   */
  readonly spaceDelimitedClaims?: readonly string[];
}

/** {@link CompileOptions} with defaults applied. */
export interface ResolvedOptions {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly trustDomainAliases: readonly string[];
  readonly extensionProviders: ReadonlySet<string> | undefined;
  readonly multipleCustomProviders: boolean;
  readonly spaceDelimitedClaims: ReadonlySet<string>;
}

/** Default `meshConfig.rootNamespace`. */
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';
/** Default `meshConfig.trustDomain`. */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';
// jwt_authn normalize_payload_in_metadata.space_delimited_claims always has these
// (pilot/pkg/security/authn/policy_applier.go buildSpaceDelimitedClaims).
const DEFAULT_SPACE_DELIMITED = ['scope', 'permission'];

function nonEmptyString(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new OptionError(name, 'must be a non-empty string');
  return v;
}

function stringList(v: unknown, name: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new OptionError(name, 'must be a list of non-empty strings');
  return [...(v as string[])];
}

/**
 * Checks options once, at compile time, with messages naming the option.
 *
 * @example
 * ```ts
 * resolveOptions({ namespace: 'shop' }).rootNamespace; // 'istio-system'
 * ```
 */
export function resolveOptions(options: CompileOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new OptionError('options', 'must be an object with at least "namespace"');
  const namespace = nonEmptyString(options.namespace, 'namespace');
  const labels = options.labels ?? {};
  if (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string')) {
    throw new OptionError('labels', 'must be an object of string values');
  }
  const rootNamespace = options.rootNamespace === undefined ? DEFAULT_ROOT_NAMESPACE : nonEmptyString(options.rootNamespace, 'rootNamespace');
  const trustDomain = options.trustDomain === undefined ? DEFAULT_TRUST_DOMAIN : nonEmptyString(options.trustDomain, 'trustDomain');
  const trustDomainAliases = stringList(options.trustDomainAliases, 'trustDomainAliases');
  const extensionProviders = options.extensionProviders === undefined ? undefined : new Set(stringList(options.extensionProviders, 'extensionProviders'));
  if (options.multipleCustomProviders !== undefined && typeof options.multipleCustomProviders !== 'boolean') {
    throw new OptionError('multipleCustomProviders', 'must be a boolean');
  }
  const spaceDelimitedClaims = new Set([...DEFAULT_SPACE_DELIMITED, ...stringList(options.spaceDelimitedClaims, 'spaceDelimitedClaims')]);
  return {
    namespace,
    labels: { ...labels },
    rootNamespace,
    trustDomain,
    trustDomainAliases,
    extensionProviders,
    multipleCustomProviders: options.multipleCustomProviders ?? false,
    spaceDelimitedClaims,
  };
}
