import { readMetadata, readTargetRef } from '../manifest/common-fields.js';
import { describe, isObj, IssueCollector } from '../manifest/issues.js';
import { classifyKey } from './condition-keys.js';
import type { PolicyIssue } from './errors.js';
import type {
  AuthorizationPolicy,
  AuthorizationPolicySpec,
  PolicyAction,
  PolicyCondition,
  PolicyOperation,
  PolicyOrigin,
  PolicyRule,
  PolicySource,
  PolicyTargetRef,
} from './types.js';
import { MAX_SERVICE_ACCOUNTS, checkIp, checkPath, checkPort, checkServiceAccount, checkTrustDomain } from './validate-values.js';

/**
 * Validation of one AuthorizationPolicy object, as strict as the API server's structural schema
 * (unknown fields, wrong types) plus Istio's webhook (`pkg/config/validation/validation.go`
 * ValidateAuthorizationPolicy). Every problem is collected with its field path.
 */

/** Where the object came from, for issue messages. */
export interface ValidateContext {
  readonly file?: string;
  readonly document?: number;
  /** Prefix of field paths, e.g. `items[3].` inside a List. */
  readonly fieldPrefix?: string;
  /** Namespace used when `metadata.namespace` is absent (kubectl's current namespace). */
  readonly defaultNamespace?: string;
  /** Accept and keep the loader's `origin` field (re-validation of loaded objects). */
  readonly acceptOrigin?: boolean;
}

/** The outcome: the typed policy when there was no error, and the issues. */
export interface ValidationResult {
  readonly policy: AuthorizationPolicy | undefined;
  readonly errors: readonly PolicyIssue[];
  readonly warnings: readonly PolicyIssue[];
}

type Obj = Record<string, unknown>;

const API_VERSIONS = ['security.istio.io/v1', 'security.istio.io/v1beta1'] as const;
const ACTIONS: readonly PolicyAction[] = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];
const SOURCE_FIELDS = [
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
] as const;
const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
// Kubernetes ObjectMeta fields a manifest may carry (e.g. from `kubectl get -o yaml`).
// Fields CUSTOM rules may not use (validation.go, CUSTOM branch).
const CUSTOM_FORBIDDEN_SOURCE: readonly string[] = [
  'principals',
  'notPrincipals',
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
  'requestPrincipals',
  'notRequestPrincipals',
];
const CUSTOM_FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  'source.namespace',
  'source.serviceAccount',
  'source.trustDomain',
  'source.principal',
]);
function validateSource(c: IssueCollector, v: unknown, path: string, action: PolicyAction): PolicySource | undefined {
  const o = c.object(v, path);
  if (o === undefined) {
    c.error(path, '`from.source` must not be nil');
    return undefined;
  }
  c.known(o, SOURCE_FIELDS, path);
  const src: Record<string, string[]> = {};
  for (const f of SOURCE_FIELDS) {
    const values = c.strings(o[f], `${path}.${f}`);
    if (values !== undefined) src[f] = values;
  }
  const set = (f: string): boolean => (src[f]?.length ?? 0) > 0;
  if (!SOURCE_FIELDS.some(set)) c.error(path, '`from.source` must not be empty');
  if ((set('principals') || set('notPrincipals') || set('namespaces') || set('notNamespaces')) && (set('serviceAccounts') || set('notServiceAccounts'))) {
    c.error(path, 'cannot set serviceAccounts with namespaces or principals');
  }
  for (const f of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) {
    src[f]?.forEach((ip, i) => {
      const e = checkIp(ip);
      if (e) c.error(`${path}.${f}[${i}]`, e);
    });
  }
  for (const f of ['serviceAccounts', 'notServiceAccounts']) {
    const values = src[f] ?? [];
    if (values.length > MAX_SERVICE_ACCOUNTS) c.error(`${path}.${f}`, `at most ${MAX_SERVICE_ACCOUNTS} values are allowed`);
    values.forEach((sa, i) => {
      const e = checkServiceAccount(sa);
      if (e) c.error(`${path}.${f}[${i}]`, e);
    });
  }
  for (const f of ['trustDomains', 'notTrustDomains']) {
    src[f]?.forEach((td, i) => {
      const e = checkTrustDomain(td);
      if (e) c.error(`${path}.${f}[${i}]`, e);
    });
  }
  if (action === 'CUSTOM') {
    for (const f of CUSTOM_FORBIDDEN_SOURCE) if (set(f)) c.error(`${path}.${f}`, 'is currently not supported with CUSTOM action');
  }
  return src as PolicySource;
}

function validateOperation(c: IssueCollector, v: unknown, path: string): PolicyOperation | undefined {
  const o = c.object(v, path);
  if (o === undefined) {
    c.error(path, '`to.operation` must not be nil');
    return undefined;
  }
  c.known(o, OPERATION_FIELDS, path);
  const op: Record<string, string[]> = {};
  for (const f of OPERATION_FIELDS) {
    const values = c.strings(o[f], `${path}.${f}`);
    if (values !== undefined) op[f] = values;
  }
  if (!OPERATION_FIELDS.some((f) => (op[f]?.length ?? 0) > 0)) c.error(path, '`to.operation` must not be empty');
  for (const f of ['ports', 'notPorts']) {
    op[f]?.forEach((p, i) => {
      const e = checkPort(p);
      if (e) c.error(`${path}.${f}[${i}]`, e);
    });
  }
  for (const f of ['paths', 'notPaths']) {
    op[f]?.forEach((p, i) => {
      const e = checkPath(p);
      if (e) c.error(`${path}.${f}[${i}]`, e);
    });
  }
  return op as PolicyOperation;
}

function checkConditionValues(c: IssueCollector, key: string, values: readonly string[], path: string): void {
  const k = classifyKey(key);
  values.forEach((v, i) => {
    let e: string | undefined;
    if (k.kind === 'simple') {
      if (k.key === 'source.ip' || k.key === 'remote.ip' || k.key === 'destination.ip') e = checkIp(v);
      else if (k.key === 'destination.port') e = checkPort(v);
      else if (k.key === 'source.serviceAccount') e = checkServiceAccount(v);
      else if (k.key === 'source.trustDomain') e = checkTrustDomain(v);
    }
    if (e) c.error(`${path}[${i}]`, e);
  });
}

function validateCondition(c: IssueCollector, v: unknown, path: string, action: PolicyAction): PolicyCondition | undefined {
  const o = c.object(v, path);
  if (o === undefined) {
    c.error(path, 'when field cannot be nil');
    return undefined;
  }
  c.known(o, ['key', 'values', 'notValues'], path);
  const key = c.string(o['key'], `${path}.key`);
  const values = c.strings(o['values'], `${path}.values`);
  const notValues = c.strings(o['notValues'], `${path}.notValues`);
  if (key === undefined || key === '') {
    c.error(`${path}.key`, '`key` must not be empty');
    return undefined;
  }
  if ((values?.length ?? 0) === 0 && (notValues?.length ?? 0) === 0) {
    c.error(path, `at least one of \`values\` or \`notValues\` must be set for key ${key}`);
  }
  const k = classifyKey(key);
  if (k.kind === 'invalid') c.error(`${path}.key`, k.message);
  else {
    checkConditionValues(c, key, values ?? [], `${path}.values`);
    checkConditionValues(c, key, notValues ?? [], `${path}.notValues`);
    if (k.kind === 'unbuildable') c.warn(`${path}.key`, `${k.reason}; Istio cannot build this condition (ALLOW rule dropped, DENY/AUDIT condition ignored)`);
  }
  if (action === 'CUSTOM' && (CUSTOM_FORBIDDEN_KEYS.has(key) || key.startsWith('request.auth.'))) {
    c.error(`${path}.key`, `${key} is currently not supported with CUSTOM action`);
  }
  return { key, ...(values ? { values } : {}), ...(notValues ? { notValues } : {}) };
}

function validateRule(c: IssueCollector, v: unknown, path: string, action: PolicyAction): PolicyRule | undefined {
  const o = c.object(v, path);
  if (o === undefined) {
    c.error(path, '`rule` must not be nil');
    return undefined;
  }
  c.known(o, ['from', 'to', 'when'], path);
  const rule: { from?: { source: PolicySource }[]; to?: { operation: PolicyOperation }[]; when?: PolicyCondition[] } = {};
  const from = c.list(o['from'], `${path}.from`);
  if (from !== undefined) {
    if (from.length === 0) c.error(`${path}.from`, '`from` must not be empty');
    rule.from = [];
    from.forEach((f, i) => {
      const fp = `${path}.from[${i}]`;
      const fo = c.object(f, fp);
      if (fo === undefined) {
        c.error(fp, '`from` must not be nil');
        return;
      }
      c.known(fo, ['source'], fp);
      const source = validateSource(c, fo['source'], `${fp}.source`, action);
      if (source) rule.from?.push({ source });
    });
  }
  const to = c.list(o['to'], `${path}.to`);
  if (to !== undefined) {
    if (to.length === 0) c.error(`${path}.to`, '`to` must not be empty');
    rule.to = [];
    to.forEach((t, i) => {
      const tp = `${path}.to[${i}]`;
      const to = c.object(t, tp);
      if (to === undefined) {
        c.error(tp, '`to` must not be nil');
        return;
      }
      c.known(to, ['operation'], tp);
      const operation = validateOperation(c, to['operation'], `${tp}.operation`);
      if (operation) rule.to?.push({ operation });
    });
  }
  const when = c.list(o['when'], `${path}.when`);
  if (when !== undefined) {
    rule.when = [];
    when.forEach((w, i) => {
      const cond = validateCondition(c, w, `${path}.when[${i}]`, action);
      if (cond) rule.when?.push(cond);
    });
  }
  return rule;
}

function validateSpec(c: IssueCollector, v: unknown): AuthorizationPolicySpec {
  const o = c.object(v, 'spec') ?? {};
  c.known(o, ['selector', 'targetRef', 'targetRefs', 'action', 'provider', 'rules'], 'spec');
  const spec: {
    selector?: { matchLabels?: Record<string, string> };
    targetRef?: PolicyTargetRef;
    targetRefs?: PolicyTargetRef[];
    action?: PolicyAction;
    provider?: { name: string };
    rules?: PolicyRule[];
  } = {};

  const actionRaw = c.string(o['action'], 'spec.action');
  let action: PolicyAction = 'ALLOW';
  if (actionRaw !== undefined) {
    if ((ACTIONS as readonly string[]).includes(actionRaw)) action = actionRaw as PolicyAction;
    else c.error('spec.action', `unsupported value "${actionRaw}": must be one of ${ACTIONS.join(', ')}`);
    spec.action = action;
  }

  const selector = c.object(o['selector'], 'spec.selector');
  if (selector !== undefined) {
    c.known(selector, ['matchLabels'], 'spec.selector');
    const matchLabels = c.stringMap(selector['matchLabels'], 'spec.selector.matchLabels');
    // validation.go validateWorkloadSelector.
    for (const [k, val] of Object.entries(matchLabels ?? {})) {
      if (k === '') c.error('spec.selector.matchLabels', `empty key is not supported in selector: "=${val}"`);
      if (k.includes('*') || val.includes('*')) c.error(`spec.selector.matchLabels.${k}`, `wildcard is not supported in selector: "${k}=${val}"`);
    }
    if (Object.keys(matchLabels ?? {}).length === 0) c.warn('spec.selector', 'workload selector specified without labels');
    spec.selector = matchLabels ? { matchLabels } : {};
  }
  if (o['targetRef'] !== undefined && o['targetRef'] !== null) {
    const ref = readTargetRef(c, o['targetRef'], 'spec.targetRef');
    if (ref) spec.targetRef = ref;
  }
  const refs = c.list(o['targetRefs'], 'spec.targetRefs');
  if (refs !== undefined) {
    spec.targetRefs = [];
    refs.forEach((r, i) => {
      const ref = readTargetRef(c, r, `spec.targetRefs[${i}]`);
      if (ref) spec.targetRefs?.push(ref);
    });
  }
  // validateOneOfSelectorType.
  const kinds = [selector !== undefined, o['targetRef'] !== undefined && o['targetRef'] !== null, (refs?.length ?? 0) > 0];
  if (kinds.filter(Boolean).length > 1) c.error('spec', 'only one of targetRefs or workloadSelector can be set');

  const provider = c.object(o['provider'], 'spec.provider');
  if (provider !== undefined) {
    c.known(provider, ['name'], 'spec.provider');
    const name = c.string(provider['name'], 'spec.provider.name');
    spec.provider = { name: name ?? '' };
    if (action !== 'CUSTOM') c.error('spec.provider', `\`provider\` must not be with non CUSTOM action, found ${action}`);
  }

  const rules = c.list(o['rules'], 'spec.rules');
  // validation.go checks `in.Rules == nil`; protojson yields nil for an empty list too.
  const noRules = rules === undefined || rules.length === 0;
  if (action === 'DENY' && noRules) {
    c.error('spec.rules', 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
  }
  if (action === 'CUSTOM') {
    if (noRules) {
      c.error('spec.rules', 'CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
    } else if (!spec.provider?.name) {
      c.error('spec.provider.name', '`provider.name` must not be empty');
    }
  }
  if (rules !== undefined) {
    spec.rules = [];
    rules.forEach((r, i) => {
      const rule = validateRule(c, r, `spec.rules[${i}]`, action);
      if (rule) spec.rules?.push(rule);
    });
  }
  return spec;
}

// Policies this module produced and froze: compilation need not validate them again.
const VALIDATED = new WeakSet<object>();

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * Whether `policy` is a (frozen) result of {@link validatePolicyObject}.
 *
 * @example
 * ```ts
 * isValidatedPolicy(parsePolicies(text)[0]); // true
 * ```
 */
export function isValidatedPolicy(policy: unknown): boolean {
  return typeof policy === 'object' && policy !== null && VALIDATED.has(policy);
}

function originOf(doc: Obj, ctx: ValidateContext): PolicyOrigin | undefined {
  if (ctx.file !== undefined || ctx.document !== undefined) {
    return { ...(ctx.file !== undefined ? { file: ctx.file } : {}), ...(ctx.document !== undefined ? { document: ctx.document } : {}) };
  }
  const o = doc['origin'];
  if (!ctx.acceptOrigin || !isObj(o)) return undefined;
  const file = typeof o['file'] === 'string' ? o['file'] : undefined;
  const document = typeof o['document'] === 'number' ? o['document'] : undefined;
  return { ...(file !== undefined ? { file } : {}), ...(document !== undefined ? { document } : {}) };
}

/**
 * Validates one AuthorizationPolicy object (apiVersion and kind already recognized by the caller,
 * but checked again) and returns the typed policy when there is no error.
 *
 * @example
 * ```ts
 * const r = validatePolicyObject(yamlDoc, { file: 'deny.yaml', document: 0 });
 * if (r.errors.length) throw new PolicyLoadError(r.errors);
 * ```
 */
export function validatePolicyObject(doc: unknown, ctx: ValidateContext = {}): ValidationResult {
  const c = new IssueCollector(ctx);
  if (!isObj(doc)) {
    c.error('', `a manifest must be an object, found ${describe(doc)}`);
    return { policy: undefined, errors: c.errors, warnings: c.warnings };
  }
  c.known(doc, ctx.acceptOrigin ? ['apiVersion', 'kind', 'metadata', 'spec', 'status', 'origin'] : ['apiVersion', 'kind', 'metadata', 'spec', 'status'], '');
  const metadata = readMetadata(c, doc['metadata'], ctx.defaultNamespace ?? 'default');
  const apiVersion = doc['apiVersion'];
  if (!(API_VERSIONS as readonly unknown[]).includes(apiVersion)) {
    c.error('apiVersion', `must be one of ${API_VERSIONS.join(', ')}, found ${describe(apiVersion)}`);
  }
  if (doc['kind'] !== 'AuthorizationPolicy') c.error('kind', `must be AuthorizationPolicy, found ${describe(doc['kind'])}`);
  const spec = validateSpec(c, doc['spec']);
  if (c.errors.length > 0 || metadata === undefined) return { policy: undefined, errors: c.errors, warnings: c.warnings };
  const origin = originOf(doc, ctx);
  const policy: AuthorizationPolicy = {
    apiVersion: apiVersion as AuthorizationPolicy['apiVersion'],
    kind: 'AuthorizationPolicy',
    metadata,
    spec,
    ...(origin ? { origin } : {}),
  };
  VALIDATED.add(deepFreeze(policy));
  return { policy, errors: c.errors, warnings: c.warnings };
}
