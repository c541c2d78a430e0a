import { classifyKey, type SimpleKey } from './condition-keys.js';
import {
  namespacesMatcher,
  principalsMatcher,
  serviceAccountsMatcher,
  trustDomainsMatcher,
  type Pred,
} from './identity-match.js';
import { IpSet } from './ip-match.js';
import {
  fieldKeys,
  namespaceKeys,
  pathKeys,
  patternKeys,
  requestPrincipalKeys,
  serviceAccountKeys,
  type IndexField,
  type IndexValue,
} from './index-keys.js';
import { claimsMatcher, jwtClaimMatcher, jwtIdentityPart, requestPrincipalsMatcher } from './jwt-match.js';
import { PatternSet, parsePattern, stringTest } from './match-values.js';
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
  /** Keys of the rule index, one set of alternatives per value; `undefined` when a value has none. */
  readonly keys: IndexField | undefined;
}

/** What compiling a field needs to know about its policy and the mesh. */
export interface FieldContext {
  readonly policyNamespace: string;
  readonly bundle: TrustDomainBundle;
  readonly spaceDelimited: ReadonlySet<string>;
  /**
   * Matchers already built in this compilation, by attribute and values: rules repeat the same
   * methods, namespaces or hosts, and one matcher serves them all.
   */
  readonly matchers?: Map<string, Pred>;
}

/** A condition that could not be built, with Istio's reason. */
export interface Unbuildable {
  readonly unbuildable: string;
}

const q = (s: string): string => JSON.stringify(s);

const observePeer = (req: AuthzRequest): string => (req.peer ? `peer principal ${q(req.peer.principal)}` : 'no mTLS peer identity');
const observeJwt = (spaceDelimited: ReadonlySet<string>) => (req: AuthzRequest): string => {
  if (!req.auth) return 'no verified JWT';
  const iss = jwtIdentityPart(req, 'iss', spaceDelimited);
  const sub = jwtIdentityPart(req, 'sub', spaceDelimited);
  return `JWT iss ${iss === undefined ? '(none)' : q(iss)} sub ${sub === undefined ? '(none)' : q(sub)}`;
};
const observeIp = (label: string, get: (r: AuthzRequest) => string | undefined) => (req: AuthzRequest): string => {
  const ip = get(req);
  return ip === undefined ? `no ${label}` : `${label} ${ip}`;
};
const observeHost = (r: AuthzRequest): string => `host ${q(r.host)}`;
const observeMethod = (r: AuthzRequest): string => `method ${q(r.method)}`;
const observePath = (r: AuthzRequest): string => `path ${q(r.path)}`;
const observePort = (r: AuthzRequest): string => (r.destinationPort === undefined ? 'no destination port' : `destination port ${r.destinationPort}`);
const observeSni = (r: AuthzRequest): string => (r.sni ? `SNI ${q(r.sni)}` : 'no SNI');
const observeJwtClaim = (claim: 'aud' | 'azp') => (r: AuthzRequest): string =>
  r.auth ? `JWT ${claim} ${JSON.stringify(r.auth.claims[claim] ?? (claim === 'aud' ? r.auth.audiences : r.auth.presenter)) ?? '(none)'}` : 'no verified JWT';

function combine(pos: Pred | undefined, neg: Pred | undefined): Pred {
  if (pos && neg) return (r) => pos(r) && !neg(r);
  if (pos) return pos;
  if (neg) return (r) => !neg(r);
  return () => true;
}

// Paths and principals usually name one route or one caller each: looking them up would cost more
// than it saves.
const UNSHARED: ReadonlySet<string> = new Set(['paths', 'principals', 'requestPrincipals']);

/** `build(values)`, or the matcher built for the same attribute (`kind`) and values before. */
function matcher(ctx: FieldContext | undefined, kind: string, values: readonly string[], build: (values: readonly string[]) => Pred): Pred {
  const cache = ctx?.matchers;
  if (cache === undefined || UNSHARED.has(kind)) return build(values);
  const key = values.length === 1 ? `${kind}\u0000${values[0] as string}` : `${kind}\u0000${values.join('\u0000')}`;
  let m = cache.get(key);
  if (m === undefined) {
    m = build(values);
    cache.set(key, m);
  }
  return m;
}

function field(
  path: string,
  values: readonly string[],
  notValues: readonly string[],
  kind: string,
  build: (values: readonly string[]) => Pred,
  observe: (req: AuthzRequest) => string,
  keys: IndexField | undefined,
  ctx: FieldContext | undefined,
): CompiledField | undefined {
  if (values.length === 0 && notValues.length === 0) return undefined; // model.go insertFront skips empty fields
  const test = combine(values.length ? matcher(ctx, kind, values, build) : undefined, notValues.length ? matcher(ctx, kind, notValues, build) : undefined);
  return { path, values, notValues, test, observe, keys };
}

const principalKeys = (v: string): IndexValue => patternKeys('principal', v, 'present');
const methodKeys = (v: string): IndexValue => patternKeys('method', v, 'present');
// HostMatcher ignores case; the request host is lower-case (request.ts).
const hostKeys = (v: string): IndexValue => patternKeys('host', v, 'present', true);

// Matchers of one value (the common case) are one closure doing the comparison itself.

function pathsMatcher(values: readonly string[]): Pred {
  if (values.length === 1) {
    const v = values[0] as string;
    if (isPathTemplate(v)) {
      const re = compilePathTemplate(v);
      return (req) => re.test(req.path);
    }
    const p = parsePattern(v, 'nonEmpty');
    const t = p.text;
    if (p.kind === 'exact') return (req) => req.path === t;
    if (p.kind === 'prefix') return (req) => req.path.startsWith(t);
    if (p.kind === 'suffix') return (req) => req.path.endsWith(t);
  }
  const templates = values.filter(isPathTemplate).map(compilePathTemplate);
  const set = new PatternSet(values.filter((v) => !isPathTemplate(v)).map((v) => parsePattern(v, 'nonEmpty')));
  return (req) => {
    const path = req.path;
    if (set.test(path)) return true;
    for (const re of templates) if (re.test(path)) return true;
    return false;
  };
}

function methodsMatcher(values: readonly string[]): Pred {
  if (values.length === 1) {
    const p = parsePattern(values[0] as string, 'present');
    const t = p.text;
    if (p.kind === 'exact') return (req) => req.method === t;
  }
  const test = stringTest(values, 'present');
  return (req) => test(req.method);
}

function hostsMatcher(values: readonly string[]): Pred {
  const test = stringTest(values, 'present', true);
  return (req) => test(req.host);
}

function sniMatcher(values: readonly string[]): Pred {
  const test = stringTest(values, 'nonEmpty');
  return (req) => test(req.sni ?? '');
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
const sourceIpMatcher = ipMatcher(sourceIp);
const remoteIpMatcher = ipMatcher(remoteIp);
const destinationIpMatcher = ipMatcher(destinationIp);
const observeSourceIp = observeIp('source IP', sourceIp);
const observeRemoteIp = observeIp('remote IP', remoteIp);
const observeDestinationIp = observeIp('destination IP', destinationIp);

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
    const test = stringTest(values, 'present');
    return (req) => {
      const v = headerValue(req, name);
      return v !== undefined && test(v);
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
      return field(path, v, n, 'principals', principalsMatcher, observePeer, fieldKeys(v, principalKeys), ctx);
    }
    case 'namespaces':
      return field(path, values, notValues, 'namespaces', namespacesMatcher, observePeer, fieldKeys(values, namespaceKeys), ctx);
    case 'serviceAccounts':
      return field(path, values, notValues, `serviceAccounts ${ctx.policyNamespace}`, (vs) => serviceAccountsMatcher(vs, ctx.policyNamespace), observePeer,
        fieldKeys(values, (v) => serviceAccountKeys(v, ctx.policyNamespace)), ctx);
    case 'trustDomains':
      return field(path, expandTrustDomainAliases(values, ctx.bundle), expandTrustDomainAliases(notValues, ctx.bundle), 'trustDomains', trustDomainsMatcher, observePeer, undefined, ctx);
    case 'requestPrincipals':
      return field(path, values, notValues, 'requestPrincipals', (vs) => requestPrincipalsMatcher(vs, ctx.spaceDelimited), observeJwt(ctx.spaceDelimited),
        fieldKeys(values, requestPrincipalKeys), ctx);
    case 'ipBlocks':
      return field(path, values, notValues, 'ipBlocks', sourceIpMatcher, observeSourceIp, undefined, ctx);
    case 'remoteIpBlocks':
      return field(path, values, notValues, 'remoteIpBlocks', remoteIpMatcher, observeRemoteIp, undefined, ctx);
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
export function compileOperationField(name: string, values: readonly string[], notValues: readonly string[], path: string, ctx?: FieldContext): CompiledField | undefined {
  switch (name) {
    case 'hosts':
      // HostMatcher: ignore_case, `*` = present_match; the request host is lower-cased by the caller.
      return field(path, values, notValues, 'hosts', hostsMatcher, observeHost, fieldKeys(values, hostKeys), ctx);
    case 'methods':
      return field(path, values, notValues, 'methods', methodsMatcher, observeMethod, fieldKeys(values, methodKeys), ctx);
    case 'paths':
      return field(path, values, notValues, 'paths', pathsMatcher, observePath, fieldKeys(values, pathKeys), ctx);
    case 'ports':
      return field(path, values, notValues, 'ports', portsMatcher, observePort, undefined, ctx);
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
      return field(path, values, notValues, claim, (vs) => jwtClaimMatcher(claim, vs, ctx.spaceDelimited), observeJwtClaim(claim), undefined, ctx);
    }
    case 'destination.ip':
      return field(path, values, notValues, 'destination.ip', destinationIpMatcher, observeDestinationIp, undefined, ctx);
    case 'destination.port':
      return compileOperationField('ports', values, notValues, path, ctx);
    case 'connection.sni':
      // requested_server_name is "" in plaintext: `*` (`.+`) and every value fail, notValues pass.
      return field(path, values, notValues, 'connection.sni', sniMatcher, observeSni, undefined, ctx);
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
      return field(path, values, notValues, `header ${k.name}`, headerMatcher(k.name), (r) => {
        const v = headerValue(r, k.name);
        return v === undefined ? `no ${k.name} header` : `header ${k.name} ${q(v)}`;
      }, fieldKeys(values, (v) => patternKeys('header', v, 'present', false, [k.name])), ctx);
    case 'claims': {
      const split = k.path.length === 1 && ctx.spaceDelimited.has(k.path[0] as string);
      return field(path, values, notValues, `claims ${JSON.stringify(k.path)}`, (vs) => claimsMatcher(k.path, vs, ctx.spaceDelimited), (r) =>
        r.auth ? `JWT claim ${k.path.join('.')} ${JSON.stringify(claimPreview(r.auth.claims, k.path)) ?? '(none)'}` : 'no verified JWT',
        fieldKeys(values, (v) => patternKeys('claim', v, 'nonEmpty', false, k.path, split)), ctx);
    }
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
