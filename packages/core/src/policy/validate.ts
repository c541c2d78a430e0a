import { readMetadata, readTargetRef } from '../manifest/common-fields.js';
import { describe, isObj, IssueCollector } from '../manifest/issues.js';
import { fit } from './arrays.js';
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
const SOURCE_SET: ReadonlySet<string> = new Set(SOURCE_FIELDS);
const OPERATION_SET: ReadonlySet<string> = new Set(OPERATION_FIELDS);
const RULE_FIELDS = ['from', 'to', 'when'];
const RULE_SET: ReadonlySet<string> = new Set(RULE_FIELDS);
const CONDITION_FIELDS = ['key', 'values', 'notValues'];
const CONDITION_SET: ReadonlySet<string> = new Set(CONDITION_FIELDS);
const FROM_FIELDS = ['source'];
const FROM_SET: ReadonlySet<string> = new Set(FROM_FIELDS);
const TO_FIELDS = ['operation'];
const TO_SET: ReadonlySet<string> = new Set(TO_FIELDS);
const EMPTY_STRINGS: readonly string[] = Object.freeze([]);
const IP_FIELDS = ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'];
const SA_FIELDS = ['serviceAccounts', 'notServiceAccounts'];
const TD_FIELDS = ['trustDomains', 'notTrustDomains'];
const SPEC_FIELDS = ['selector', 'targetRef', 'targetRefs', 'action', 'provider', 'rules'];
const SPEC_SET: ReadonlySet<string> = new Set(SPEC_FIELDS);
const DOC_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
const DOC_SET: ReadonlySet<string> = new Set(DOC_FIELDS);
const DOC_FIELDS_ORIGIN = [...DOC_FIELDS, 'origin'];
const DOC_SET_ORIGIN: ReadonlySet<string> = new Set(DOC_FIELDS_ORIGIN);

// The readers below check the common, valid input without building field paths or temporary
// arrays (validation runs for every policy on every load), and hand anything unusual to the
// IssueCollector, which reports it with the field path.

/** `c.known`, which lists the members first, only when some member is not allowed. */
function known(c: IssueCollector, o: Obj, allowedSet: ReadonlySet<string>, allowed: readonly string[], path: string): void {
  for (const k in o) {
    if (!allowedSet.has(k)) {
      c.known(o, allowed, path);
      return;
    }
  }
}

/** `c.strings(v, path.field)`, frozen; the path is built only when something is reported. */
function strings(c: IssueCollector, v: unknown, path: string, field: string): readonly string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return EMPTY_STRINGS;
    let ok = true;
    for (let i = 0; i < v.length && ok; i++) {
      const x: unknown = v[i];
      ok = typeof x === 'string' && x !== '';
    }
    if (ok) return Object.freeze(v.slice() as string[]);
  }
  const out = c.strings(v, `${path}.${field}`);
  return out === undefined ? undefined : Object.freeze(out);
}

function checkEach(c: IssueCollector, values: readonly string[] | undefined, path: string, field: string, check: (v: string) => string | undefined): void {
  if (values === undefined) return;
  for (let i = 0; i < values.length; i++) {
    const e = check(values[i] as string);
    if (e) c.error(`${path}.${field}[${i}]`, e);
  }
}

/**
 * A `source` or `operation`: an object of string lists, at least one of them non-empty (Istio's
 * "must not be nil" / "must not be empty" checks).
 */
function readStringLists(
  c: IssueCollector,
  v: unknown,
  path: string,
  what: string,
  allowed: ReadonlySet<string>,
  fields: readonly string[],
): Record<string, readonly string[]> | undefined {
  const o = c.object(v, path);
  if (o === undefined) {
    c.error(path, `${what} must not be nil`);
    return undefined;
  }
  known(c, o, allowed, fields, path);
  const lists: Record<string, readonly string[]> = {};
  let nonEmpty = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as string;
    const values = strings(c, o[f], path, f);
    if (values === undefined) continue;
    lists[f] = values;
    if (values.length > 0) nonEmpty = true;
  }
  if (!nonEmpty) c.error(path, `${what} must not be empty`);
  return lists;
}

function validateSource(c: IssueCollector, v: unknown, path: string, action: PolicyAction): PolicySource | undefined {
  const src = readStringLists(c, v, path, '`from.source`', SOURCE_SET, SOURCE_FIELDS);
  if (src === undefined) return undefined;
  const set = (f: string): boolean => (src[f]?.length ?? 0) > 0;
  if ((set('principals') || set('notPrincipals') || set('namespaces') || set('notNamespaces')) && (set('serviceAccounts') || set('notServiceAccounts'))) {
    c.error(path, 'cannot set serviceAccounts with namespaces or principals');
  }
  for (let i = 0; i < IP_FIELDS.length; i++) checkEach(c, src[IP_FIELDS[i] as string], path, IP_FIELDS[i] as string, checkIp);
  for (let i = 0; i < SA_FIELDS.length; i++) {
    const f = SA_FIELDS[i] as string;
    const values = src[f];
    if (values === undefined) continue;
    if (values.length > MAX_SERVICE_ACCOUNTS) c.error(`${path}.${f}`, `at most ${MAX_SERVICE_ACCOUNTS} values are allowed`);
    checkEach(c, values, path, f, checkServiceAccount);
  }
  for (let i = 0; i < TD_FIELDS.length; i++) checkEach(c, src[TD_FIELDS[i] as string], path, TD_FIELDS[i] as string, checkTrustDomain);
  if (action === 'CUSTOM') {
    for (const f of CUSTOM_FORBIDDEN_SOURCE) if (set(f)) c.error(`${path}.${f}`, 'is currently not supported with CUSTOM action');
  }
  return Object.freeze(src) as PolicySource;
}

function validateOperation(c: IssueCollector, v: unknown, path: string): PolicyOperation | undefined {
  const op = readStringLists(c, v, path, '`to.operation`', OPERATION_SET, OPERATION_FIELDS);
  if (op === undefined) return undefined;
  checkEach(c, op['ports'], path, 'ports', checkPort);
  checkEach(c, op['notPorts'], path, 'notPorts', checkPort);
  checkEach(c, op['paths'], path, 'paths', checkPath);
  checkEach(c, op['notPaths'], path, 'notPaths', checkPath);
  return Object.freeze(op) as PolicyOperation;
}

function checkConditionValues(c: IssueCollector, key: string, values: readonly string[], path: string): void {
  const k = classifyKey(key);
  if (k.kind !== 'simple') return;
  let check: ((v: string) => string | undefined) | undefined;
  if (k.key === 'source.ip' || k.key === 'remote.ip' || k.key === 'destination.ip') check = checkIp;
  else if (k.key === 'destination.port') check = checkPort;
  else if (k.key === 'source.serviceAccount') check = checkServiceAccount;
  else if (k.key === 'source.trustDomain') check = checkTrustDomain;
  if (check === undefined) return;
  values.forEach((v, i) => {
    const e = (check as (v: string) => string | undefined)(v);
    if (e) c.error(`${path}[${i}]`, e);
  });
}

function validateCondition(c: IssueCollector, v: unknown, path: string, action: PolicyAction): PolicyCondition | undefined {
  const o = c.object(v, path);
  if (o === undefined) {
    c.error(path, 'when field cannot be nil');
    return undefined;
  }
  known(c, o, CONDITION_SET, CONDITION_FIELDS, path);
  const key = c.string(o['key'], `${path}.key`);
  const values = strings(c, o['values'], path, 'values');
  const notValues = strings(c, o['notValues'], path, 'notValues');
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
  const cond: { key: string; values?: readonly string[]; notValues?: readonly string[] } = { key };
  if (values) cond.values = values;
  if (notValues) cond.notValues = notValues;
  return Object.freeze(cond);
}

/**
 * `from` or `to`: a non-empty list of objects each wrapping one field (`source`, `operation`);
 * nil entries are errors (validation.go ValidateAuthorizationPolicy).
 */
function readWrapped<T>(
  c: IssueCollector,
  v: unknown,
  path: string,
  what: 'from' | 'to',
  allowed: ReadonlySet<string>,
  fields: readonly string[],
  read: (entry: Obj, entryPath: string) => T | undefined,
): readonly T[] | undefined {
  const list = c.list(v, path);
  if (list === undefined) return undefined;
  if (list.length === 0) c.error(path, `\`${what}\` must not be empty`);
  const out: T[] = [];
  list.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const entry = c.object(item, itemPath);
    if (entry === undefined) {
      c.error(itemPath, `\`${what}\` must not be nil`);
      return;
    }
    known(c, entry, allowed, fields, itemPath);
    const value = read(entry, itemPath);
    if (value) out.push(value);
  });
  return Object.freeze(fit(out));
}

function validateRule(c: IssueCollector, v: unknown, path: string, action: PolicyAction): PolicyRule | undefined {
  const o = c.object(v, path);
  if (o === undefined) {
    c.error(path, '`rule` must not be nil');
    return undefined;
  }
  known(c, o, RULE_SET, RULE_FIELDS, path);
  const rule: { from?: readonly { source: PolicySource }[]; to?: readonly { operation: PolicyOperation }[]; when?: readonly PolicyCondition[] } = {};
  const from = readWrapped(c, o['from'], `${path}.from`, 'from', FROM_SET, FROM_FIELDS, (fo, fp) => {
    const source = validateSource(c, fo['source'], `${fp}.source`, action);
    return source && Object.freeze({ source });
  });
  if (from !== undefined) rule.from = from;
  const to = readWrapped(c, o['to'], `${path}.to`, 'to', TO_SET, TO_FIELDS, (tp, tpath) => {
    const operation = validateOperation(c, tp['operation'], `${tpath}.operation`);
    return operation && Object.freeze({ operation });
  });
  if (to !== undefined) rule.to = to;
  const when = c.list(o['when'], `${path}.when`);
  if (when !== undefined) {
    const out: PolicyCondition[] = [];
    when.forEach((w, i) => {
      const cond = validateCondition(c, w, `${path}.when[${i}]`, action);
      if (cond) out.push(cond);
    });
    rule.when = Object.freeze(fit(out));
  }
  return Object.freeze(rule);
}

function validateSelector(c: IssueCollector, selector: Obj): { matchLabels?: Record<string, string> } {
  c.known(selector, ['matchLabels'], 'spec.selector');
  const matchLabels = c.stringMap(selector['matchLabels'], 'spec.selector.matchLabels');
  // validation.go validateWorkloadSelector.
  let count = 0;
  for (const k in matchLabels) {
    const val = matchLabels[k] as string;
    count++;
    if (k === '') c.error('spec.selector.matchLabels', `empty key is not supported in selector: "=${val}"`);
    if (k.includes('*') || val.includes('*')) c.error(`spec.selector.matchLabels.${k}`, `wildcard is not supported in selector: "${k}=${val}"`);
  }
  if (count === 0) c.warn('spec.selector', 'workload selector specified without labels');
  return Object.freeze(matchLabels ? { matchLabels: Object.freeze(matchLabels) } : {});
}

function validateTargetRefs(c: IssueCollector, refs: readonly unknown[]): PolicyTargetRef[] {
  const out: PolicyTargetRef[] = [];
  refs.forEach((r, i) => {
    const ref = readTargetRef(c, r, `spec.targetRefs[${i}]`);
    if (ref) out.push(deepFreeze(ref));
  });
  return Object.freeze(out) as PolicyTargetRef[];
}

function validateRules(c: IssueCollector, rules: readonly unknown[], action: PolicyAction): readonly PolicyRule[] {
  const out: PolicyRule[] = [];
  rules.forEach((r, i) => {
    const rule = validateRule(c, r, `spec.rules[${i}]`, action);
    if (rule) out.push(rule);
  });
  return Object.freeze(fit(out));
}

function validateSpec(c: IssueCollector, v: unknown): AuthorizationPolicySpec {
  const o = c.object(v, 'spec') ?? {};
  known(c, o, SPEC_SET, SPEC_FIELDS, 'spec');
  const spec: {
    selector?: { matchLabels?: Record<string, string> };
    targetRef?: PolicyTargetRef;
    targetRefs?: PolicyTargetRef[];
    action?: PolicyAction;
    provider?: { name: string };
    rules?: readonly PolicyRule[];
  } = {};

  const actionRaw = c.string(o['action'], 'spec.action');
  let action: PolicyAction = 'ALLOW';
  if (actionRaw !== undefined) {
    if ((ACTIONS as readonly string[]).includes(actionRaw)) action = actionRaw as PolicyAction;
    else c.error('spec.action', `unsupported value "${actionRaw}": must be one of ${ACTIONS.join(', ')}`);
    spec.action = action;
  }

  const selector = c.object(o['selector'], 'spec.selector');
  if (selector !== undefined) spec.selector = validateSelector(c, selector);
  const hasTargetRef = o['targetRef'] !== undefined && o['targetRef'] !== null;
  if (hasTargetRef) {
    const ref = readTargetRef(c, o['targetRef'], 'spec.targetRef');
    if (ref) spec.targetRef = deepFreeze(ref);
  }
  const refs = c.list(o['targetRefs'], 'spec.targetRefs');
  if (refs !== undefined) spec.targetRefs = validateTargetRefs(c, refs);
  // validateOneOfSelectorType.
  if (Number(selector !== undefined) + Number(hasTargetRef) + Number((refs?.length ?? 0) > 0) > 1) c.error('spec', 'only one of targetRefs or workloadSelector can be set');

  const provider = c.object(o['provider'], 'spec.provider');
  if (provider !== undefined) {
    c.known(provider, ['name'], 'spec.provider');
    const name = c.string(provider['name'], 'spec.provider.name');
    spec.provider = Object.freeze({ name: name ?? '' });
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
  if (rules !== undefined) spec.rules = validateRules(c, rules, action);
  // Everything in the spec is frozen as it is built (a deep freeze afterwards would walk every rule again).
  return Object.freeze(spec);
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

function origin(file: string | undefined, document: number | undefined): PolicyOrigin {
  const o: { file?: string; document?: number } = {};
  if (file !== undefined) o.file = file;
  if (document !== undefined) o.document = document;
  return Object.freeze(o);
}

function originOf(doc: Obj, ctx: ValidateContext): PolicyOrigin | undefined {
  if (ctx.file !== undefined || ctx.document !== undefined) return origin(ctx.file, ctx.document);
  const o = doc['origin'];
  if (!ctx.acceptOrigin || !isObj(o)) return undefined;
  return origin(typeof o['file'] === 'string' ? o['file'] : undefined, typeof o['document'] === 'number' ? o['document'] : undefined);
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
  if (ctx.acceptOrigin) known(c, doc, DOC_SET_ORIGIN, DOC_FIELDS_ORIGIN, '');
  else known(c, doc, DOC_SET, DOC_FIELDS, '');
  const metadata = readMetadata(c, doc['metadata'], ctx.defaultNamespace ?? 'default');
  const apiVersion = doc['apiVersion'];
  if (!(API_VERSIONS as readonly unknown[]).includes(apiVersion)) {
    c.error('apiVersion', `must be one of ${API_VERSIONS.join(', ')}, found ${describe(apiVersion)}`);
  }
  if (doc['kind'] !== 'AuthorizationPolicy') c.error('kind', `must be AuthorizationPolicy, found ${describe(doc['kind'])}`);
  const spec = validateSpec(c, doc['spec']);
  if (c.errors.length > 0 || metadata === undefined) return { policy: undefined, errors: c.errors, warnings: c.warnings };
  const from = originOf(doc, ctx);
  const policy: { -readonly [K in keyof AuthorizationPolicy]: AuthorizationPolicy[K] } = {
    apiVersion: apiVersion as AuthorizationPolicy['apiVersion'],
    kind: 'AuthorizationPolicy',
    metadata: deepFreeze(metadata),
    spec,
  };
  if (from) policy.origin = from;
  VALIDATED.add(Object.freeze(policy));
  return { policy, errors: c.errors, warnings: c.warnings };
}
