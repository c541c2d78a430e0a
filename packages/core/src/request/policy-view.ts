import {
  compilePolicies,
  type AuthorizationPolicy,
  type CompileOptions,
  type PolicyOperation,
  type PolicySnapshot,
} from '../policy/index.js';

/**
 * A compiled policy set seen through the router's equivalences, prepared once per snapshot.
 *
 * - Case: where the router ignores case, requests are also evaluated lower-cased against a copy of
 *   the snapshot whose path values are lower-cased. Compiling one more snapshot is cheaper and
 *   exact, where generating case spellings of the request is neither.
 * - Host ports: a host value without a port compares the host name only ("port compared only when
 *   the rule names one"). When no value names a port, the request host is given without its port;
 *   otherwise exact values `h` also accept `h:*`, and when a suffix value without a port (`*.shop`)
 *   coexists with ported values, both forms of the host are evaluated.
 * - Trailing slash: values that end in `/` (exact or template) make the request also be evaluated
 *   with one `/` appended where the router ignores trailing slashes.
 */

/** How the request host is given to policies; see the module comment. */
export type HostMode = 'hostname' | 'authority' | 'both';

/**
 * The view of one snapshot.
 *
 * @example
 * ```ts
 * const view = policyView(snapshot);
 * evaluatePolicies(view.lowered(), { ...req, path: req.path.toLowerCase() });
 * ```
 */
export interface PolicyView {
  /** The snapshot to evaluate (with host values widened in `authority` and `both` modes). */
  readonly snapshot: PolicySnapshot;
  readonly hostMode: HostMode;
  /** Some path value ends with `/`. */
  readonly slashSensitive: boolean;
  /** The snapshot with path values lower-cased; `snapshot` itself when none has an upper-case letter. */
  lowered(): PolicySnapshot;
}

const views = new WeakMap<PolicySnapshot, PolicyView>();

function operations(policy: AuthorizationPolicy): PolicyOperation[] {
  const out: PolicyOperation[] = [];
  for (const rule of policy.spec.rules ?? []) for (const to of rule.to ?? []) out.push(to.operation);
  return out;
}

/**
 * Whether a host value names a port (`h:8080`, `h:*`, `[::1]:80`).
 *
 * @example
 * ```ts
 * namesPort('orders.shop:*'); // true
 * namesPort('[::1]');         // false
 * ```
 */
export function namesPort(value: string): boolean {
  return value.indexOf(':', value.lastIndexOf(']') + 1) >= 0;
}

function widenHosts(values: readonly string[] | undefined): readonly string[] | undefined {
  if (values === undefined) return undefined;
  const out: string[] = [];
  for (const v of values) {
    out.push(v);
    if (v !== '*' && !v.startsWith('*') && !v.endsWith('*') && !namesPort(v)) out.push(`${v}:*`);
  }
  return out;
}

const lower = (values: readonly string[] | undefined): readonly string[] | undefined => values?.map((v) => v.toLowerCase());

function rewrite(policy: AuthorizationPolicy, lowerPaths: boolean, widen: boolean): AuthorizationPolicy {
  const rules = policy.spec.rules?.map((rule) => {
    if (rule.to === undefined) return rule;
    const to = rule.to.map(({ operation: op }) => {
      const next: { -readonly [K in keyof PolicyOperation]: PolicyOperation[K] } = { ...op };
      if (lowerPaths) {
        if (op.paths !== undefined) next.paths = lower(op.paths);
        if (op.notPaths !== undefined) next.notPaths = lower(op.notPaths);
      }
      if (widen) {
        if (op.hosts !== undefined) next.hosts = widenHosts(op.hosts);
        if (op.notHosts !== undefined) next.notHosts = widenHosts(op.notHosts);
      }
      return { operation: next };
    });
    return { ...rule, to };
  });
  const { origin: _origin, ...rest } = policy;
  return { ...rest, spec: { ...policy.spec, ...(rules === undefined ? {} : { rules }) } };
}

function compileOptions(snapshot: PolicySnapshot): CompileOptions {
  const o = snapshot.options;
  return {
    namespace: o.namespace,
    labels: o.labels,
    rootNamespace: o.rootNamespace,
    trustDomain: o.trustDomain,
    trustDomainAliases: o.trustDomainAliases,
    ...(o.extensionProviders === undefined ? {} : { extensionProviders: [...o.extensionProviders] }),
    multipleCustomProviders: o.multipleCustomProviders,
    spaceDelimitedClaims: [...o.spaceDelimitedClaims],
  };
}

function recompile(snapshot: PolicySnapshot, lowerPaths: boolean, widen: boolean): PolicySnapshot {
  return compilePolicies(snapshot.policies.map((p) => rewrite(p.source, lowerPaths, widen)), compileOptions(snapshot));
}

/**
 * The view of a snapshot, built on first use and kept as long as the snapshot is.
 *
 * @example
 * ```ts
 * policyView(snapshot).hostMode; // 'hostname' unless a host value names a port
 * ```
 */
export function policyView(snapshot: PolicySnapshot): PolicyView {
  let view = views.get(snapshot);
  if (view !== undefined) return view;
  const hosts: string[] = [];
  const paths: string[] = [];
  for (const p of snapshot.policies) {
    for (const op of operations(p.source)) {
      hosts.push(...(op.hosts ?? []), ...(op.notHosts ?? []));
      paths.push(...(op.paths ?? []), ...(op.notPaths ?? []));
    }
  }
  const ported = hosts.some(namesPort);
  const portlessSuffix = hosts.some((v) => v.length > 1 && v.startsWith('*') && !namesPort(v));
  const hostMode: HostMode = !ported ? 'hostname' : portlessSuffix ? 'both' : 'authority';
  const widen = hostMode !== 'hostname';
  const upper = paths.some((v) => v !== v.toLowerCase());
  const slashSensitive = paths.some((v) => v.length > 1 && v.endsWith('/') && (v.includes('{*}') || v.includes('{**}') || !v.startsWith('*')));
  const base = widen ? recompile(snapshot, false, true) : snapshot;
  let lowered: PolicySnapshot | undefined = upper ? undefined : base;
  view = Object.freeze({
    snapshot: base,
    hostMode,
    slashSensitive,
    lowered: () => (lowered ??= recompile(snapshot, true, widen)),
  });
  views.set(snapshot, view);
  return view;
}
