import type { AuthorizationPolicy, PolicyAction, PolicyCondition, PolicyOperation, PolicyRule, PolicySource } from '@meshauth/core';
import { LINT_CODES, type LintCode } from './codes.js';
import type { LintFinding } from './finding.js';

/**
 * The lint checks: values Istio accepts but that can never match or do not mean what they seem
 * (authorization-policy.md §5, §10, §12), and rule shapes with surprising effects (§3, §7, §8).
 * Each check works on one validated policy; nothing here evaluates requests.
 */

/**
 * Options of {@link lintPolicies}.
 *
 * @example
 * ```ts
 * lintPolicies(policies, { tcp: true });
 * ```
 */
export interface LintOptions {
  /** The workloads also serve plain TCP (non-HTTP) ports: report ALLOW rules that cannot allow TCP (MA018). */
  readonly tcp?: boolean;
}

type ValueKind = 'principal' | 'namespace' | 'requestPrincipal' | 'host' | 'method' | 'path' | 'sourceIp' | 'pattern' | 'other';

/** One list of values in a rule, with what it is compared with. */
interface ValueList {
  /** Path of the list, e.g. `spec.rules[0].to[0].operation.paths`. */
  readonly field: string;
  /** The YAML name, e.g. `notPaths` or `source.principal`. */
  readonly name: string;
  readonly kind: ValueKind;
  readonly values: readonly string[];
  readonly negative: boolean;
  /** An operation's `paths` (MA012 applies). */
  readonly operationPaths: boolean;
}

const SOURCE_KINDS: Readonly<Record<keyof PolicySource, ValueKind>> = {
  principals: 'principal',
  notPrincipals: 'principal',
  requestPrincipals: 'requestPrincipal',
  notRequestPrincipals: 'requestPrincipal',
  namespaces: 'namespace',
  notNamespaces: 'namespace',
  serviceAccounts: 'other',
  notServiceAccounts: 'other',
  trustDomains: 'other',
  notTrustDomains: 'other',
  ipBlocks: 'sourceIp',
  notIpBlocks: 'sourceIp',
  remoteIpBlocks: 'other',
  notRemoteIpBlocks: 'other',
};
const OPERATION_KINDS: Readonly<Record<keyof PolicyOperation, ValueKind>> = {
  hosts: 'host',
  notHosts: 'host',
  methods: 'method',
  notMethods: 'method',
  paths: 'path',
  notPaths: 'path',
  ports: 'other',
  notPorts: 'other',
};
const HTTP_ONLY_SOURCE: readonly (keyof PolicySource)[] = ['requestPrincipals', 'notRequestPrincipals'];
const HTTP_ONLY_OPERATION: readonly (keyof PolicyOperation)[] = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
const IDENTITY_PAIRS: readonly (readonly [keyof PolicySource, keyof PolicySource])[] = [
  ['principals', 'notPrincipals'],
  ['namespaces', 'notNamespaces'],
  ['serviceAccounts', 'notServiceAccounts'],
  ['trustDomains', 'notTrustDomains'],
];
const IDENTITY_KEYS: ReadonlySet<string> = new Set(['source.principal', 'source.namespace', 'source.serviceAccount', 'source.trustDomain']);

function conditionKind(key: string): ValueKind {
  if (key === 'source.principal') return 'principal';
  if (key === 'source.namespace') return 'namespace';
  if (key === 'request.auth.principal') return 'requestPrincipal';
  if (key === 'source.ip') return 'sourceIp';
  if (
    key.startsWith('request.headers[') ||
    key.startsWith('request.auth.claims[') ||
    key === 'request.auth.audiences' ||
    key === 'request.auth.presenter' ||
    key === 'connection.sni'
  ) {
    return 'pattern';
  }
  return 'other';
}

function isHttpOnlyKey(key: string): boolean {
  return key.startsWith('request.headers') || key.startsWith('request.auth.');
}

const isTemplate = (v: string): boolean => v.includes('{*}') || v.includes('{**}');

/** A `*` that Istio reads as a literal character: not the whole value, not one leading or trailing `*`. */
function hasLiteralStar(v: string): boolean {
  if (v === '*') return false;
  const core = v.startsWith('*') ? v.slice(1) : v.endsWith('*') ? v.slice(0, -1) : v;
  return core.includes('*');
}

const never = (negative: boolean): string => (negative ? 'never matches, so it excludes nothing' : 'never matches');

class PolicyLinter {
  readonly findings: LintFinding[] = [];
  readonly action: PolicyAction;
  options: LintOptions = {};

  constructor(private readonly policy: AuthorizationPolicy) {
    this.action = policy.spec.action ?? 'ALLOW';
  }

  add(code: LintCode, field: string, message: string, hint: string = LINT_CODES[code].hint): void {
    const { origin, metadata } = this.policy;
    this.findings.push({
      code,
      ...(origin?.file !== undefined ? { file: origin.file } : {}),
      ...(origin?.document !== undefined ? { document: origin.document } : {}),
      policy: `${metadata.namespace}/${metadata.name}`,
      field,
      message,
      hint,
    });
  }

  values(list: ValueList): void {
    const { field, name, kind, values, negative } = list;
    if (kind === 'host') this.hosts(list);
    if (kind === 'path' && list.operationPaths && !negative && this.action === 'DENY') this.denyExactPaths(list);
    values.forEach((v, k) => {
      const at = `${field}[${k}]`;
      switch (kind) {
        case 'principal':
          this.principal(v, at, negative);
          break;
        case 'namespace':
          if (/^spiffe:\/\//i.test(v)) {
            const ns = /\/ns\/([^/]+)/.exec(v)?.[1];
            this.add('MA002', at, `"${v}" ${never(negative)}: ${name} are compared with the namespace segment of the peer's SPIFFE ID`, ns ? `write "${ns}"` : 'write the namespace name only');
          }
          break;
        case 'method':
          if (/[a-z]/.test(v)) {
            this.add('MA008', at, `"${v}" ${never(negative)}: methods are compared case-sensitively and requests carry upper-case methods`, `write "${v.toUpperCase()}"`);
          }
          break;
        case 'path':
          if (v !== '*' && !v.startsWith('/') && !v.startsWith('*')) this.add('MA009', at, `"${v}" ${never(negative)}: request paths start with "/"`, `write "/${v}"`);
          if (/[?#]/.test(v)) {
            this.add('MA011', at, `"${v}" ${never(negative)}: Istio matches the path without its ?query and #fragment`, `write "${v.replace(/[?#].*$/s, '')}"`);
          }
          break;
        default:
          break;
      }
      const literal = kind === 'path' ? !isTemplate(v) && hasLiteralStar(v) : ['principal', 'requestPrincipal', 'host', 'method', 'pattern'].includes(kind) && hasLiteralStar(v);
      if (literal) {
        this.add(
          'MA010',
          at,
          `"${v}": Istio reads a "*" that is not the whole value, or its first or last character, as a literal "*", not a wildcard`,
          kind === 'path' ? 'use a path template such as "/api/{*}/users" or a prefix such as "/api/*"' : LINT_CODES.MA010.hint,
        );
      }
    });
  }

  /** MA005, once per field or condition. */
  directPeer(name: string, at: string): void {
    this.add('MA005', at, `${name} compares the direct TCP peer; behind an ingress gateway, a load balancer or another proxy that is the proxy's address, not the client's`);
  }

  principal(v: string, at: string, negative: boolean): void {
    if (/^spiffe:\/\//i.test(v)) {
      this.add('MA002', at, `"${v}" ${never(negative)}: Istio compares "spiffe://" + value, so this becomes "spiffe://${v}"`, `write "${v.replace(/^spiffe:\/\//i, '')}"`);
      return;
    }
    if (v.includes('*')) return;
    if (!v.includes('/')) {
      this.add(
        'MA001',
        at,
        `"${v}" ${never(negative)}: Istio compares "spiffe://${v}", and workload identities have a path (<trust-domain>/ns/<namespace>/sa/<service-account>)`,
        `write the full principal, e.g. "cluster.local/ns/<namespace>/sa/${v}"`,
      );
    } else if (/^ns\/[^/]+\/sa\/[^/]+$/.test(v)) {
      this.add('MA001', at, `"${v}" ${never(negative)}: it has no trust domain, so Istio reads "ns" as the trust domain`, `write "cluster.local/${v}"`);
    }
  }

  hosts(list: ValueList): void {
    const lower = list.values.map((v) => v.toLowerCase());
    list.values.forEach((v, k) => {
      const h = lower[k] as string;
      const at = `${list.field}[${k}]`;
      if (h === '*' || hasLiteralStar(h)) return;
      if (h.startsWith('*')) {
        if (!h.includes(':')) {
          this.add('MA007', at, `"${v}" does not match a Host header that carries a port (e.g. "api${h.slice(1)}:8080"): the port is part of the compared value`, `also list the suffix with each port, e.g. "${v}:8080"`);
        }
        return;
      }
      if (h.endsWith('*')) {
        const stem = h.slice(0, -1);
        if (stem.includes('.') && !stem.includes(':') && !/[.-]$/.test(stem)) {
          this.add('MA007', at, `"${v}" is a prefix: it also matches other hosts, such as "${stem}.attacker.example"`, `write ["${stem}", "${stem}:*"]`);
        }
        return;
      }
      if (h.includes(':') || lower.some((o) => o.startsWith(`${h}:`))) return;
      this.add('MA007', at, `"${v}" does not match requests whose Host carries a port ("${h}:8080"): the port is part of the compared value`, `add "${v}:*"`);
    });
  }

  denyExactPaths(list: ValueList): void {
    list.values.forEach((v, k) => {
      if (!v.startsWith('/') || v.endsWith('/') || v.includes('*') || isTemplate(v) || /[?#]/.test(v)) return;
      if (list.values.some((o) => o === `${v}/*` || o === `${v}*` || o === `${v}/{**}`)) return;
      this.add('MA012', `${list.field}[${k}]`, `denies only the exact path "${v}": "${v}/" and "${v}/…" are not denied (Istio does not add trailing slashes or sub-paths)`, `add "${v}/*" next to "${v}"`);
    });
  }

  rule(rule: PolicyRule, base: string): void {
    const lists: ValueList[] = [];
    const httpOnly: string[] = [];
    const fields: { name: string; values: readonly string[]; notValues: readonly string[] }[] = [];
    (rule.from ?? []).forEach(({ source }, j) => {
      const at = `${base}.from[${j}].source`;
      for (const key of Object.keys(SOURCE_KINDS) as (keyof PolicySource)[]) {
        const values = source[key];
        if (values === undefined || values.length === 0) continue;
        lists.push({ field: `${at}.${key}`, name: key, kind: SOURCE_KINDS[key], values, negative: key.startsWith('not'), operationPaths: false });
        if (HTTP_ONLY_SOURCE.includes(key)) httpOnly.push(key);
        if (SOURCE_KINDS[key] === 'sourceIp') this.directPeer(key, `${at}.${key}`);
      }
      fields.push(...pairs(source as Record<string, readonly string[] | undefined>, Object.keys(SOURCE_KINDS)));
      this.identity(source, rule.when ?? [], at);
    });
    (rule.to ?? []).forEach(({ operation }, j) => {
      const at = `${base}.to[${j}].operation`;
      for (const key of Object.keys(OPERATION_KINDS) as (keyof PolicyOperation)[]) {
        const values = operation[key];
        if (values === undefined || values.length === 0) continue;
        lists.push({ field: `${at}.${key}`, name: key, kind: OPERATION_KINDS[key], values, negative: key.startsWith('not'), operationPaths: key === 'paths' });
        if (HTTP_ONLY_OPERATION.includes(key)) httpOnly.push(key);
      }
      fields.push(...pairs(operation as Record<string, readonly string[] | undefined>, Object.keys(OPERATION_KINDS)));
      if (this.action === 'ALLOW' && (operation.notPaths?.length ?? 0) > 0) {
        const paths = (operation.notPaths ?? []).map((p) => `"${p}"`).join(', ');
        this.add(
          'MA003',
          `${at}.notPaths`,
          `requests to ${paths} are not allowed by this rule, neither denied nor exempted: they are denied unless another ALLOW rule matches them, and allowed if one does`,
        );
      }
    });
    (rule.when ?? []).forEach((cond: PolicyCondition, j) => {
      const at = `${base}.when[${j}]`;
      const kind = conditionKind(cond.key);
      if ((cond.values?.length ?? 0) > 0) lists.push({ field: `${at}.values`, name: cond.key, kind, values: cond.values ?? [], negative: false, operationPaths: false });
      if ((cond.notValues?.length ?? 0) > 0) lists.push({ field: `${at}.notValues`, name: cond.key, kind, values: cond.notValues ?? [], negative: true, operationPaths: false });
      if (isHttpOnlyKey(cond.key)) httpOnly.push(cond.key);
      if (kind === 'sourceIp') this.directPeer(cond.key, `${at}.key`);
      fields.push({ name: cond.key, values: cond.values ?? [], notValues: cond.notValues ?? [] });
    });
    for (const list of lists) this.values(list);
    const other = lists.some((l) => !HTTP_ONLY_SOURCE.includes(l.name as keyof PolicySource) && !HTTP_ONLY_OPERATION.includes(l.name as keyof PolicyOperation) && !isHttpOnlyKey(l.name));
    this.tcp(rule, base, [...new Set(httpOnly)], other);
    this.onlyNegative(base, fields);
  }

  /** MA013: a source with only negative identity fields matches plaintext requests. */
  identity(source: PolicySource, when: readonly PolicyCondition[], at: string): void {
    if (this.action !== 'ALLOW') return;
    const negatives = IDENTITY_PAIRS.filter(([, neg]) => (source[neg]?.length ?? 0) > 0).map(([, neg]) => neg);
    const positive = IDENTITY_PAIRS.some(([pos]) => (source[pos]?.length ?? 0) > 0) || when.some((c) => IDENTITY_KEYS.has(c.key) && (c.values?.length ?? 0) > 0);
    if (negatives.length === 0 || positive) return;
    this.add(
      'MA013',
      at,
      `only negative identity fields (${negatives.join(', ')}): a request without an mTLS peer identity (plaintext) matches them and is allowed`,
    );
  }

  /** MA004 (DENY/CUSTOM widen on TCP) and MA018 (ALLOW dropped on TCP). */
  tcp(rule: PolicyRule, base: string, httpOnly: readonly string[], other: boolean): void {
    if (httpOnly.length === 0) return;
    const names = httpOnly.join(', ');
    if (this.action === 'DENY' || this.action === 'CUSTOM') {
      const to = rule.to ?? [];
      const portScoped =
        (to.length > 0 && to.every(({ operation }) => (operation.ports?.length ?? 0) > 0 || (operation.notPorts?.length ?? 0) > 0)) ||
        (rule.when ?? []).some((c) => c.key === 'destination.port');
      if (portScoped) return;
      const effect = this.action === 'DENY' ? 'denies it' : 'sends it to the CUSTOM provider';
      const scope = other ? " in the policy's scope that its other fields match" : " in the policy's scope";
      this.add('MA004', base, `on TCP ports Istio cannot evaluate ${names} and ignores them: the rule then matches all TCP traffic${scope}, and ${effect}`);
    } else if (this.action === 'ALLOW' && this.options.tcp === true) {
      this.add('MA018', base, `on TCP ports Istio cannot build this rule (it uses ${names}) and drops it: it allows no TCP traffic`);
    }
  }

  /** MA006: a DENY rule whose every field is a `notX`/`notValues` match. */
  onlyNegative(base: string, fields: readonly { name: string; values: readonly string[]; notValues: readonly string[] }[]): void {
    if (this.action !== 'DENY' || fields.length === 0) return;
    if (!fields.every((f) => f.values.length === 0 && f.notValues.length > 0)) return;
    // `notRequestPrincipals: ["*"]` and the like deny requests lacking the attribute: a precise, common pattern.
    if (fields.every((f) => f.notValues.length === 1 && f.notValues[0] === '*')) return;
    const names = fields.map((f) => (f.name.includes('.') ? `${f.name} notValues` : f.name)).join(', ');
    this.add(
      'MA006',
      base,
      `this DENY rule has only negative matches (${names}): it denies every request that is not listed, including requests that lack the attribute`,
    );
  }

  run(options: LintOptions): LintFinding[] {
    this.options = options;
    (this.policy.spec.rules ?? []).forEach((r, i) => this.rule(r, `spec.rules[${i}]`));
    return this.findings;
  }
}

/** The set fields of a source or operation as value/notValue pairs, named by their positive form. */
function pairs(obj: Readonly<Record<string, readonly string[] | undefined>>, keys: readonly string[]): { name: string; values: readonly string[]; notValues: readonly string[] }[] {
  const out: { name: string; values: readonly string[]; notValues: readonly string[] }[] = [];
  for (const key of keys) {
    if (key.startsWith('not')) continue;
    const neg = `not${key[0]?.toUpperCase()}${key.slice(1)}`;
    const values = obj[key] ?? [];
    const notValues = obj[neg] ?? [];
    if (values.length === 0 && notValues.length === 0) continue;
    out.push({ name: values.length === 0 ? neg : key, values, notValues });
  }
  return out;
}

/**
 * Lints one validated policy.
 *
 * @example
 * ```ts
 * const [policy] = parsePolicies(yamlText, { file: 'deny.yaml' });
 * for (const f of lintPolicy(policy)) console.log(f.code, f.field, f.message);
 * ```
 */
export function lintPolicy(policy: AuthorizationPolicy, options: LintOptions = {}): LintFinding[] {
  return new PolicyLinter(policy).run(options);
}

/**
 * Lints validated policies, in order.
 *
 * @example
 * ```ts
 * const findings = lintPolicies(await loadPolicies('policies/'));
 * process.exitCode = findings.length > 0 ? 1 : 0;
 * ```
 */
export function lintPolicies(policies: readonly AuthorizationPolicy[], options: LintOptions = {}): LintFinding[] {
  return policies.flatMap((p) => lintPolicy(p, options));
}
