import { classifyKey, type SimpleKey } from './condition-keys.js';
import {
  namespacesMatcher,
  principalsMatcher,
  serviceAccountsMatcher,
  trustDomainsMatcher,
  type Pred,
} from './identity-match.js';
import { IpSet } from './ip-match.js';
import { claimsMatcher, jwtClaimMatcher, jwtIdentityPart, requestPrincipalsMatcher } from './jwt-match.js';
import { PatternSet, parsePattern } from './match-values.js';
import { compilePathTemplate, isPathTemplate } from './path-template.js';
import type { AuthzRequest } from './request.js';
import { expandTrustDomainAliases, replaceTrustDomainAliases, type TrustDomainBundle } from './trust-domain.js';
import type { PolicyCondition } from './types.js';
import { portNumber } from './validate-values.js';

/**
 * One field of a source/operation, or one `when` condition, compiled: the value OR and the
 * `not…` OR combined as `(values empty OR any value) AND NOT (any notValue)`
 * (`pilot/pkg/security/authz/model/model.go` permission/principal). Every value matcher is false
 * when the attribute is missing, so a missing attribute fails `values` and passes `notValues`.
 */

/** Attributes the rule index can look candidates up by. */
export type IndexDimension = 'principal' | 'namespace' | 'method' | 'path';

/**
 * A compiled field or condition.
 *
 * @example
 * ```ts
 * const f = compileSourceField('namespaces', ['shop'], [], 'from[0].source.namespaces', ctx);
 * f?.test(req);
 * ```
 */
export interface CompiledField {
  /** Path inside the rule, e.g. `from[0].source.principals` or `when[1]`. */
  readonly path: string;
  /** Values as compiled (principals after trust-domain rewriting). */
  readonly values: readonly string[];
  readonly notValues: readonly string[];
  readonly test: Pred;
  /** What the request carries for this attribute, for explanations. */
  readonly observe: (req: AuthzRequest) => string;
  /** Exact keys this field requires, for the rule index. */
  readonly index: { readonly dimension: IndexDimension; readonly keys: readonly string[] } | undefined;
}

/** What compiling a field needs to know about its policy and the mesh. */
export interface FieldContext {
  readonly policyNamespace: string;
  readonly bundle: TrustDomainBundle;
  readonly spaceDelimited: ReadonlySet<string>;
}

/** A condition that could not be built, with Istio's reason. */
export interface Unbuildable {
  readonly unbuildable: string;
}

const q = (s: string): string => JSON.stringify(s);

const observePeer = (req: AuthzRequest): string => (req.peer ? `peer principal ${q(req.peer.principal)}` : 'no mTLS peer identity');
const observeJwt = (ctx: FieldContext) => (req: AuthzRequest): string => {
  if (!req.auth) return 'no verified JWT';
  const iss = jwtIdentityPart(req, 'iss', ctx.spaceDelimited);
  const sub = jwtIdentityPart(req, 'sub', ctx.spaceDelimited);
  return `JWT iss ${iss === undefined ? '(none)' : q(iss)} sub ${sub === undefined ? '(none)' : q(sub)}`;
};
const observeIp = (label: string, get: (r: AuthzRequest) => string | undefined) => (req: AuthzRequest): string => {
  const ip = get(req);
  return ip === undefined ? `no ${label}` : `${label} ${ip}`;
};

function combine(pos: Pred | undefined, neg: Pred | undefined): Pred {
  if (pos && neg) return (r) => pos(r) && !neg(r);
  if (pos) return pos;
  if (neg) return (r) => !neg(r);
  return () => true;
}

function field(
  path: string,
  values: readonly string[],
  notValues: readonly string[],
  build: (values: readonly string[]) => Pred,
  observe: (req: AuthzRequest) => string,
  index?: CompiledField['index'],
): CompiledField | undefined {
  if (values.length === 0 && notValues.length === 0) return undefined; // model.go insertFront skips empty fields
  const test = combine(values.length ? build(values) : undefined, notValues.length ? build(notValues) : undefined);
  return { path, values, notValues, test, observe, index };
}

function exactKeys(values: readonly string[], dimension: IndexDimension, ok: (v: string) => boolean): CompiledField['index'] {
  return values.length > 0 && values.every(ok) ? { dimension, keys: values } : undefined;
}

const noWildcard = (v: string): boolean => !v.startsWith('*') && !v.endsWith('*');

/**
 * The first path segment a path value requires (`/api/x`, `/api/*`, `/api/{*}` ⇒ `api`), or
 * `undefined` when the value can match paths with different first segments.
 *
 * @example
 * ```ts
 * pathIndexKey('/api/orders*'); // 'api'
 * pathIndexKey('/ap*');         // undefined
 * ```
 */
export function pathIndexKey(value: string): string | undefined {
  if (!value.startsWith('/')) return undefined;
  if (isPathTemplate(value)) {
    const segs = value.slice(1).split('/');
    const first = segs[0] ?? '';
    return segs.length > 1 && first !== '{*}' && first !== '{**}' ? first : undefined;
  }
  const p = parsePattern(value, 'nonEmpty');
  const slash = p.text.indexOf('/', 1);
  if (p.kind === 'exact') return p.text.slice(1, slash < 0 ? undefined : slash);
  if (p.kind === 'prefix' && slash > 0) return p.text.slice(1, slash);
  return undefined;
}

/**
 * The request's first path segment, the key of {@link pathIndexKey}.
 *
 * @example
 * ```ts
 * requestPathKey('/api/orders/1'); // 'api'
 * ```
 */
export function requestPathKey(path: string): string | undefined {
  if (path.charCodeAt(0) !== 47) return undefined;
  const slash = path.indexOf('/', 1);
  return slash < 0 ? path.slice(1) : path.slice(1, slash);
}

function pathsMatcher(values: readonly string[]): Pred {
  const templates = values.filter(isPathTemplate).map(compilePathTemplate);
  const set = new PatternSet(values.filter((v) => !isPathTemplate(v)).map((v) => parsePattern(v, 'nonEmpty')));
  return (req) => {
    const path = req.path;
    if (set.test(path)) return true;
    for (const re of templates) if (re.test(path)) return true;
    return false;
  };
}

function portsMatcher(values: readonly string[]): Pred {
  const ports = new Set(values.map(portNumber));
  return (req) => req.destinationPort !== undefined && ports.has(req.destinationPort);
}

function ipMatcher(get: (r: AuthzRequest) => string | undefined): (values: readonly string[]) => Pred {
  return (values) => {
    const set = new IpSet(values);
    return (req) => {
      const ip = get(req);
      return ip !== undefined && set.test(ip);
    };
  };
}

const sourceIp = (r: AuthzRequest): string | undefined => r.sourceIp;
// Envoy's remote_ip equals the direct peer unless XFF/PROXY protocol says otherwise.
const remoteIp = (r: AuthzRequest): string | undefined => r.remoteIp ?? r.sourceIp;
const destinationIp = (r: AuthzRequest): string | undefined => r.destinationIp;

/**
 * The header value Envoy's HeaderMatcher reads: all values of the header joined with `,`
 * (`header_utility.cc` getAllOfHeaderAsString). `host` is `:authority` in Envoy's header map.
 *
 * @example
 * ```ts
 * headerValue({ ...req, headers: { 'x-a': ['1', '2'] } }, 'x-a'); // '1,2'
 * ```
 */
export function headerValue(req: AuthzRequest, name: string): string | undefined {
  let v: string | readonly string[] | undefined;
  switch (name) {
    case ':authority':
    case 'host':
      v = req.headers[':authority'] ?? req.headers['host'] ?? req.host;
      break;
    case ':method':
      v = req.method;
      break;
    case ':path':
      v = req.headers[':path'] ?? req.path;
      break;
    default:
      v = req.headers[name];
  }
  if (v === undefined || typeof v === 'string') return v;
  return v.length === 0 ? undefined : v.join(',');
}

function headerMatcher(name: string): (values: readonly string[]) => Pred {
  return (values) => {
    const set = new PatternSet(values.map((v) => parsePattern(v, 'present')));
    return (req) => {
      const v = headerValue(req, name);
      return v !== undefined && set.test(v);
    };
  };
}

function stringMatcher(get: (r: AuthzRequest) => string | undefined, star: 'present' | 'nonEmpty', lowerCase = false): (values: readonly string[]) => Pred {
  return (values) => {
    const set = new PatternSet(values.map((v) => parsePattern(v, star, lowerCase)));
    return (req) => {
      const v = get(req);
      return v !== undefined && set.test(v);
    };
  };
}

/**
 * Compiles one `source` field; `undefined` when it has no values.
 *
 * @example
 * ```ts
 * compileSourceField('principals', ['cluster.local/ns/shop/sa/a'], [], 'from[0].source.principals', ctx);
 * ```
 */
export function compileSourceField(name: string, values: readonly string[], notValues: readonly string[], path: string, ctx: FieldContext): CompiledField | undefined {
  switch (name) {
    case 'principals':
    case 'notPrincipals': {
      const v = replaceTrustDomainAliases(values, ctx.bundle);
      const n = replaceTrustDomainAliases(notValues, ctx.bundle);
      return field(path, v, n, principalsMatcher, observePeer, exactKeys(v, 'principal', noWildcard));
    }
    case 'namespaces':
      return field(path, values, notValues, namespacesMatcher, observePeer, exactKeys(values, 'namespace', (x) => !x.includes('*') && !x.includes('/')));
    case 'serviceAccounts':
      return field(path, values, notValues, (vs) => serviceAccountsMatcher(vs, ctx.policyNamespace), observePeer);
    case 'trustDomains':
      return field(path, expandTrustDomainAliases(values, ctx.bundle), expandTrustDomainAliases(notValues, ctx.bundle), trustDomainsMatcher, observePeer);
    case 'requestPrincipals':
      return field(path, values, notValues, (vs) => requestPrincipalsMatcher(vs, ctx.spaceDelimited), observeJwt(ctx));
    case 'ipBlocks':
      return field(path, values, notValues, ipMatcher(sourceIp), observeIp('source IP', sourceIp));
    case 'remoteIpBlocks':
      return field(path, values, notValues, ipMatcher(remoteIp), observeIp('remote IP', remoteIp));
    default:
      throw new TypeError(`unknown source field ${name}`);
  }
}

/**
 * Compiles one `operation` field; `undefined` when it has no values.
 *
 * @example
 * ```ts
 * compileOperationField('paths', ['/api/*'], ['/api/admin*'], 'to[0].operation.paths');
 * ```
 */
export function compileOperationField(name: string, values: readonly string[], notValues: readonly string[], path: string): CompiledField | undefined {
  switch (name) {
    case 'hosts':
      // HostMatcher: ignore_case, `*` = present_match; the request host is lower-cased by the caller.
      return field(path, values, notValues, stringMatcher((r) => r.host, 'present', true), (r) => `host ${q(r.host)}`);
    case 'methods':
      return field(path, values, notValues, stringMatcher((r) => r.method, 'present'), (r) => `method ${q(r.method)}`,
        exactKeys(values, 'method', noWildcard));
    case 'paths': {
      const keys = values.map(pathIndexKey);
      const index = values.length > 0 && keys.every((k) => k !== undefined) ? { dimension: 'path' as const, keys: keys as string[] } : undefined;
      return field(path, values, notValues, pathsMatcher, (r) => `path ${q(r.path)}`, index);
    }
    case 'ports':
      return field(path, values, notValues, portsMatcher, (r) => (r.destinationPort === undefined ? 'no destination port' : `destination port ${r.destinationPort}`));
    default:
      throw new TypeError(`unknown operation field ${name}`);
  }
}

function simpleCondition(key: SimpleKey, values: readonly string[], notValues: readonly string[], path: string, ctx: FieldContext): CompiledField | undefined {
  switch (key) {
    case 'source.ip':
      return compileSourceField('ipBlocks', values, notValues, path, ctx);
    case 'remote.ip':
      return compileSourceField('remoteIpBlocks', values, notValues, path, ctx);
    case 'source.namespace':
      return compileSourceField('namespaces', values, notValues, path, ctx);
    case 'source.principal':
      return compileSourceField('principals', values, notValues, path, ctx);
    case 'source.serviceAccount':
      return compileSourceField('serviceAccounts', values, notValues, path, ctx);
    case 'source.trustDomain':
      return compileSourceField('trustDomains', values, notValues, path, ctx);
    case 'request.auth.principal':
      return compileSourceField('requestPrincipals', values, notValues, path, ctx);
    case 'request.auth.audiences':
    case 'request.auth.presenter': {
      const claim = key === 'request.auth.audiences' ? 'aud' : 'azp';
      return field(path, values, notValues, (vs) => jwtClaimMatcher(claim, vs, ctx.spaceDelimited), (r) =>
        r.auth ? `JWT ${claim} ${JSON.stringify(r.auth.claims[claim] ?? (claim === 'aud' ? r.auth.audiences : r.auth.presenter)) ?? '(none)'}` : 'no verified JWT');
    }
    case 'destination.ip':
      return field(path, values, notValues, ipMatcher(destinationIp), observeIp('destination IP', destinationIp));
    case 'destination.port':
      return compileOperationField('ports', values, notValues, path);
    case 'connection.sni':
      // requested_server_name is "" in plaintext: `*` (`.+`) and every value fail, notValues pass.
      return field(path, values, notValues, stringMatcher((r) => r.sni ?? '', 'nonEmpty'), (r) => (r.sni ? `SNI ${q(r.sni)}` : 'no SNI'));
  }
}

/**
 * Compiles one `when` condition (validated key). Returns {@link Unbuildable} for keys Istio's
 * builder fails on, `undefined` for a condition without values.
 *
 * @example
 * ```ts
 * compileCondition({ key: 'request.headers[x-tenant]', values: ['acme'] }, 'when[0]', ctx);
 * ```
 */
export function compileCondition(cond: PolicyCondition, path: string, ctx: FieldContext): CompiledField | Unbuildable | undefined {
  const values = cond.values ?? [];
  const notValues = cond.notValues ?? [];
  const k = classifyKey(cond.key);
  switch (k.kind) {
    case 'simple':
      return simpleCondition(k.key, values, notValues, path, ctx);
    case 'header':
      return field(path, values, notValues, headerMatcher(k.name), (r) => {
        const v = headerValue(r, k.name);
        return v === undefined ? `no ${k.name} header` : `header ${k.name} ${q(v)}`;
      });
    case 'claims':
      return field(path, values, notValues, (vs) => claimsMatcher(k.path, vs, ctx.spaceDelimited), (r) =>
        r.auth ? `JWT claim ${k.path.join('.')} ${JSON.stringify(claimPreview(r.auth.claims, k.path)) ?? '(none)'}` : 'no verified JWT');
    case 'unbuildable':
      return { unbuildable: k.reason };
    case 'invalid':
      return { unbuildable: k.message };
  }
}

function claimPreview(claims: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let v: unknown = claims;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
