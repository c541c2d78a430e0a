import { BlockList } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  PolicyLoadError,
  compilePolicies,
  evaluatePolicies,
  parsePolicies,
  type AuthorizationPolicy,
  type AuthzRequest,
  type PolicyRule,
} from '../../src/policy/index.js';

// ---------------------------------------------------------------------------------------------
// A plain, direct reading of the rules, written from the Envoy patterns istiod generates
// (reference §4-§6) with no index, no precompilation and fresh regexes per check. The engine must
// agree with it on random policies and requests.
// ---------------------------------------------------------------------------------------------

const quote = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Istio StringMatcherWithPrefix / HeaderMatcher as a regex over the attribute. */
function istioRegex(v: string, prefix: string, star: '.+' | '.*'): RegExp {
  if (v === '*') return new RegExp(`^${star}$`, 's');
  if (v.startsWith('*')) return new RegExp(`^${quote(prefix)}.*${quote(v.slice(1))}$`, 's');
  if (v.endsWith('*')) return new RegExp(`^${quote(prefix + v.slice(0, -1))}.*$`, 's');
  return new RegExp(`^${quote(prefix + v)}$`, 's');
}

function templateRegex(t: string): RegExp {
  const lit = "[a-zA-Z0-9\\-._~%!$&'()+,;:@]";
  const body = t
    .slice(1)
    .split('/')
    .map((s) => (s === '{*}' ? `${lit}+` : s === '{**}' ? `(?:${lit}|/)*` : quote(s)))
    .join('/');
  return new RegExp(`^/${body}$`);
}

function ipIn(ip: string | undefined, blocks: readonly string[]): boolean {
  if (ip === undefined) return false;
  const a = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
  const fam = a.includes(':') ? 'ipv6' : 'ipv4';
  for (const b of blocks) {
    const [addr = '', bits] = b.split('/');
    const bfam = addr.includes(':') ? 'ipv6' : 'ipv4';
    if (bfam !== fam) continue;
    const list = new BlockList();
    list.addSubnet(addr, Number(bits ?? (bfam === 'ipv4' ? 32 : 128)), bfam);
    if (list.check(a, fam)) return true;
  }
  return false;
}

type Field = (values: readonly string[], r: AuthzRequest) => boolean;

const uri = (r: AuthzRequest): string | undefined => (r.peer ? `spiffe://${r.peer.principal}` : undefined);
const anyMatch = (attr: string | undefined, values: readonly string[], mk: (v: string) => RegExp): boolean => attr !== undefined && values.some((v) => mk(v).test(attr));

/** The `iss` and `sub` a request principal is matched against (the payload, else `auth.principal` split at its last `/`). */
function issSub(r: AuthzRequest): { iss: unknown; sub: unknown } {
  const c = r.auth?.claims;
  if (!c) return { iss: undefined, sub: undefined };
  const principal = r.auth?.principal;
  if (c['iss'] === undefined && c['sub'] === undefined && typeof principal === 'string') {
    const i = principal.lastIndexOf('/');
    return { iss: i < 0 ? principal : principal.slice(0, i), sub: i < 0 ? undefined : principal.slice(i + 1) };
  }
  return { iss: c['iss'], sub: c['sub'] };
}

/** String values of a claim as jwt_authn leaves them: split on spaces when `split`, list elements. */
function claimStrings(v: unknown, split: boolean): string[] {
  if (typeof v === 'string') {
    if (!split) return [v];
    const tokens = v.split(' ').filter((t) => t !== '');
    return tokens.length > 0 ? tokens : [v];
  }
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function claimField(path: readonly string[], split: boolean): Field {
  return (vs, r) => {
    let v: unknown = r.auth?.claims;
    for (const k of path) v = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
    return claimStrings(v, split).some((s) => vs.some((x) => istioRegex(x, '', '.+').test(s)));
  };
}

const REF: Record<string, Field> = {
  principals: (vs, r) => anyMatch(uri(r), vs, (v) => istioRegex(v, 'spiffe://', '.+')),
  namespaces: (vs, r) => anyMatch(uri(r), vs, (v) => new RegExp(`^.*/ns/${v.split('*').map(quote).join('.*')}/.*$`)),
  serviceAccounts: (vs, r) =>
    anyMatch(uri(r), vs, (v) => {
      const [ns, sa] = v.includes('/') ? v.split('/') : ['shop', v];
      return new RegExp(`^spiffe://.+/ns/${quote(ns ?? '')}/(.+/|)sa/${quote(sa ?? '')}(/.+)?$`);
    }),
  ipBlocks: (vs, r) => ipIn(r.sourceIp, vs),
  requestPrincipals: (vs, r) => {
    const { iss, sub } = issSub(r);
    if (typeof iss !== 'string' || typeof sub !== 'string') return false;
    return vs.some((v) => {
      const i = v.lastIndexOf('/');
      const vi = i < 0 ? v : v.slice(0, i);
      const vsub = i < 0 ? '' : v.slice(i + 1);
      if (v === '*') return iss !== '' && sub !== '';
      if (v.startsWith('*')) return i < 0 ? iss !== '' && sub.endsWith(v.slice(1)) : (vi === '*' ? iss !== '' : iss.endsWith(vi.slice(1))) && sub === vsub;
      if (v.endsWith('*')) return i < 0 ? iss.startsWith(v.slice(0, -1)) && sub !== '' : iss === vi && (vsub === '*' ? sub !== '' : sub.startsWith(vsub.slice(0, -1)));
      return iss === vi && sub === vsub;
    });
  },
  methods: (vs, r) => anyMatch(r.method, vs, (v) => istioRegex(v, '', '.*')),
  hosts: (vs, r) => anyMatch(r.host.toLowerCase(), vs, (v) => istioRegex(v.toLowerCase(), '', '.*')),
  paths: (vs, r) => anyMatch(r.path, vs, (v) => (v.includes('{*}') || v.includes('{**}') ? templateRegex(v) : istioRegex(v, '', '.+'))),
  ports: (vs, r) => r.destinationPort !== undefined && vs.some((v) => Number(v) === r.destinationPort),
  'request.headers[x-a]': (vs, r) => {
    const h = r.headers['x-a'];
    const joined = h === undefined ? undefined : typeof h === 'string' ? h : h.join(',');
    return anyMatch(joined, vs, (v) => istioRegex(v, '', '.*'));
  },
  'request.auth.claims[groups]': claimField(['groups'], false),
  // `scope` is one of jwt_authn's space_delimited_claims.
  'request.auth.claims[scope]': claimField(['scope'], true),
  'request.auth.claims[org][team]': claimField(['org', 'team'], false),
  'request.auth.claims[org]': claimField(['org'], false),
  'source.principal': (vs, r) => REF['principals']?.(vs, r) ?? false,
  'source.namespace': (vs, r) => REF['namespaces']?.(vs, r) ?? false,
  'request.auth.principal': (vs, r) => REF['requestPrincipals']?.(vs, r) ?? false,
  'source.ip': (vs, r) => ipIn(r.sourceIp, vs),
  'destination.port': (vs, r) => r.destinationPort !== undefined && vs.some((v) => Number(v) === r.destinationPort),
};

function refField(name: string, values: readonly string[] | undefined, notValues: readonly string[] | undefined, r: AuthzRequest): boolean {
  const f = REF[name];
  if (!f) throw new Error(name);
  const pos = values && values.length > 0 ? f(values, r) : true;
  const neg = notValues && notValues.length > 0 ? f(notValues, r) : false;
  return pos && !neg;
}

function refRule(rule: PolicyRule, r: AuthzRequest): boolean {
  const fromOk =
    !rule.from ||
    rule.from.some(({ source: s }) =>
      refField('principals', s.principals, s.notPrincipals, r) &&
      refField('namespaces', s.namespaces, s.notNamespaces, r) &&
      refField('serviceAccounts', s.serviceAccounts, s.notServiceAccounts, r) &&
      refField('ipBlocks', s.ipBlocks, s.notIpBlocks, r) &&
      refField('requestPrincipals', s.requestPrincipals, s.notRequestPrincipals, r),
    );
  const toOk =
    !rule.to ||
    rule.to.some(({ operation: o }) =>
      refField('methods', o.methods, o.notMethods, r) &&
      refField('hosts', o.hosts, o.notHosts, r) &&
      refField('paths', o.paths, o.notPaths, r) &&
      refField('ports', o.ports, o.notPorts, r),
    );
  const whenOk = (rule.when ?? []).every((c) => refField(c.key, c.values, c.notValues, r));
  return fromOk && toOk && whenOk;
}

interface RefDecision {
  allowed: boolean;
  id: string | undefined;
}

function refDecide(policies: readonly AuthorizationPolicy[], r: AuthzRequest): RefDecision {
  const matching = (action: string): string[] =>
    policies
      .filter((p) => (p.spec.action ?? 'ALLOW') === action)
      .flatMap((p) => (p.spec.rules ?? []).map((rule, i) => (refRule(rule, r) ? `ns[${p.metadata.namespace}]-policy[${p.metadata.name}]-rule[${i}]` : '')))
      .filter((id) => id !== '')
      .sort();
  const deny = matching('DENY');
  if (deny.length > 0) return { allowed: false, id: deny[0] };
  if (!policies.some((p) => (p.spec.action ?? 'ALLOW') === 'ALLOW')) return { allowed: true, id: undefined };
  const allow = matching('ALLOW');
  return { allowed: allow.length > 0, id: allow[0] };
}

// ---------------------------------------------------------------------------------------------
// Generators: small pools so that matches are frequent.
// ---------------------------------------------------------------------------------------------

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const some = <T>(xs: readonly T[]) => fc.option(fc.uniqueArray(pick(xs), { minLength: 1, maxLength: 3 }), { nil: undefined });

const PRINCIPALS = ['cluster.local/ns/a/sa/x', 'cluster.local/ns/b/sa/y', 'cluster.local/ns/a/*', '*/sa/x', '*', 'other/ns/a/sa/x'];
const NAMESPACES = ['a', 'b', '*', 'a*'];
const IPS = ['10.0.0.0/8', '10.1.2.3', '192.168.0.0/16', '2001:db8::/32', '0.0.0.0/0'];
const REQ_PRINCIPALS = ['https://idp/alice', 'https://idp/*', '*/bob', '*', 'https://idp/al*'];
const METHODS = ['GET', 'POST', 'P*', '*', '*T'];
const HOSTS = ['example.com', '*.example.com', 'example.com:*', 'Example.com', '*'];
const PATHS = ['/api/*', '/api/orders', '/admin*', '*.js', '*', '/api/{*}/items', '/s/{**}', '/'];
const PORTS = ['8080', '9090', '80'];
const HEADER_VALUES = ['acme', 'ac*', '*', '*me', 'a,b'];
const GROUPS = ['admins', 'dev*', '*'];

const sourceArb = fc
  .record({
    principals: some(PRINCIPALS),
    notPrincipals: some(PRINCIPALS),
    namespaces: some(NAMESPACES),
    notNamespaces: some(NAMESPACES),
    ipBlocks: some(IPS),
    notIpBlocks: some(IPS),
    requestPrincipals: some(REQ_PRINCIPALS),
    notRequestPrincipals: some(REQ_PRINCIPALS),
  })
  .filter((s) => Object.values(s).some((v) => v !== undefined));
const operationArb = fc
  .record({ methods: some(METHODS), notMethods: some(METHODS), hosts: some(HOSTS), notHosts: some(HOSTS), paths: some(PATHS), notPaths: some(PATHS), ports: some(PORTS), notPorts: some(PORTS) })
  .filter((s) => Object.values(s).some((v) => v !== undefined));
const conditionArb = fc.oneof(
  fc.record({ key: fc.constant('request.headers[x-a]'), values: some(HEADER_VALUES), notValues: some(HEADER_VALUES) }),
  fc.record({ key: fc.constant('request.auth.claims[groups]'), values: some(GROUPS), notValues: some(GROUPS) }),
  fc.record({ key: fc.constant('source.ip'), values: some(IPS), notValues: some(IPS) }),
  fc.record({ key: fc.constant('destination.port'), values: some(PORTS), notValues: some(PORTS) }),
).filter((c) => c.values !== undefined || c.notValues !== undefined);

const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const ruleArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    from: fc.option(fc.array(sourceArb.map((s) => ({ source: strip(s) })), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    to: fc.option(fc.array(operationArb.map((o) => ({ operation: strip(o) })), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    when: fc.option(fc.array(conditionArb.map(strip), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  })
  .map(strip);

const policiesArb = fc
  .array(
    fc.record({
      name: pick(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']),
      action: pick(['ALLOW', 'DENY', 'AUDIT'] as const),
      rules: fc.array(ruleArb, { minLength: 1, maxLength: 4 }),
    }),
    { maxLength: 5 },
  )
  .map((ps) => {
    const seen = new Set<string>();
    return ps.filter((p) => !seen.has(p.name) && seen.add(p.name));
  });

const requestArb: fc.Arbitrary<AuthzRequest> = fc
  .record({
    method: pick(['GET', 'POST', 'PUT', 'HEAD']),
    path: pick(['/api/orders', '/api/x/items', '/admin', '/administrator', '/app.js', '/', '/s/', '/s/a/b', '/api/k=v/items']),
    host: pick(['example.com', 'api.example.com', 'example.com:8080', '']),
    xa: fc.option(fc.oneof(pick(['acme', 'ACME', '', 'b']), fc.constant(['a', 'b'])), { nil: undefined }),
    sourceIp: fc.option(pick(['10.1.2.3', '::ffff:10.0.0.1', '192.168.1.1', '2001:db8::5', '8.8.8.8']), { nil: undefined }),
    destinationPort: fc.option(pick([80, 8080, 9090]), { nil: undefined }),
    principal: fc.option(pick(['cluster.local/ns/a/sa/x', 'cluster.local/ns/b/sa/y', 'other/ns/a/sa/x', 'td/x/ns/a/y']), { nil: undefined }),
    claims: fc.option(
      fc.record({
        iss: pick(['https://idp', 'https://other', '']),
        sub: fc.option(pick(['alice', 'bob', '']), { nil: undefined }),
        groups: fc.option(fc.oneof(pick(['admins', 'developers', '']), fc.constant(['dev1', 'x']), fc.constant([1, 'admins'])), { nil: undefined }),
      }),
      { nil: undefined },
    ),
  })
  .map((x) => ({
    method: x.method,
    path: x.path,
    host: x.host,
    headers: x.xa === undefined ? {} : { 'x-a': x.xa },
    ...(x.sourceIp !== undefined ? { sourceIp: x.sourceIp } : {}),
    ...(x.destinationPort !== undefined ? { destinationPort: x.destinationPort } : {}),
    ...(x.principal !== undefined ? { peer: { principal: x.principal } } : {}),
    ...(x.claims !== undefined ? { auth: { claims: strip(x.claims) } } : {}),
  }));

function toPolicies(ps: readonly { name: string; action: string; rules: readonly Record<string, unknown>[] }[]): AuthorizationPolicy[] {
  return parsePolicies(ps.map((p) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: p.name, namespace: 'shop' }, spec: { action: p.action, rules: p.rules } })));
}

describe('the indexed evaluator agrees with a direct reading of the rules', () => {
  it('on random policies and requests', () => {
    fc.assert(
      fc.property(policiesArb, fc.array(requestArb, { minLength: 1, maxLength: 8 }), (raw, reqs) => {
        const policies = toPolicies(raw);
        const snapshot = compilePolicies(policies, { namespace: 'shop' });
        for (const r of reqs) {
          const got = evaluatePolicies(snapshot, r);
          const want = refDecide(policies, r);
          expect({ allowed: got.allowed, id: got.id }).toEqual(want);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('with many rules sharing index keys (principals, namespaces, methods, paths)', () => {
    const indexed = fc.record({
      from: fc.array(fc.record({ source: fc.record({ principals: fc.uniqueArray(pick(['cluster.local/ns/a/sa/x', 'cluster.local/ns/b/sa/y', 'other/ns/a/sa/x']), { minLength: 1 }) }) }), { minLength: 1, maxLength: 2 }),
      to: fc.array(fc.record({ operation: fc.record({ methods: fc.uniqueArray(pick(['GET', 'POST']), { minLength: 1 }), paths: fc.uniqueArray(pick(['/api/orders', '/api/*', '/admin*', '/api/{*}/items']), { minLength: 1 }) }) }), { minLength: 1, maxLength: 2 }),
    });
    const nsRule = fc.record({ from: fc.constant([{ source: { namespaces: ['a'] } }]) });
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: pick(['q1', 'q2', 'q3', 'q4']), action: pick(['ALLOW', 'DENY'] as const), rules: fc.array(fc.oneof(indexed, nsRule, ruleArb), { minLength: 1, maxLength: 12 }) }), { maxLength: 4 }).map((ps) => {
          const seen = new Set<string>();
          return ps.filter((p) => !seen.has(p.name) && seen.add(p.name));
        }),
        fc.array(requestArb, { minLength: 1, maxLength: 8 }),
        (raw, reqs) => {
          const policies = toPolicies(raw);
          const snapshot = compilePolicies(policies, { namespace: 'shop' });
          for (const r of reqs) {
            const got = evaluatePolicies(snapshot, r);
            expect({ allowed: got.allowed, id: got.id }).toEqual(refDecide(policies, r));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Every kind of index key (rule-index.ts): exact values, prefixes and suffixes of paths, principals,
// methods, hosts, claims and headers; namespaces (also from service accounts), request principals,
// path templates. The pools overlap (`/a`, `/a/`, `/a/b*`, `/ab*`, `*/c`, `/a/{*}/c`) so that keys
// nest and share buckets, and include values no key can stand for (`*`, `not…` fields), whose rules
// must be checked on every request.
// ---------------------------------------------------------------------------------------------

const IX_PATHS = ['/a', '/a/', '/a/b', '*/a/b', '/a/*', '/a/b*', '/ab*', '/a/b/c', '*/c', '*.js', '*b', '/a/{*}/c', '/{*}/c', '/a/{**}', '/a/{*}', '/x/{*}/c/{**}', '*', '/'];
const IX_PRINCIPALS = ['cluster.local/ns/a/sa/x', 'cluster.local/ns/a/sa/x-*', 'cluster.local/ns/a/*', 'cluster.local/*', '*/sa/x', '*x', '*', 'other/ns/b/sa/y'];
const IX_NAMESPACES = ['a', 'b', 'c', '*', 'a*'];
const IX_SERVICE_ACCOUNTS = ['x', 'a/x', 'b/y', 'c/x'];
const IX_METHODS = ['GET', 'POST', 'P*', '*T', '*'];
const IX_HOSTS = ['example.com', 'EXAMPLE.com', '*.example.com', 'api.*', 'example.com:*', '*'];
const IX_REQ_PRINCIPALS = ['https://idp/alice', 'https://idp/bob', 'https://other/alice', 'https://idp/*', '*/alice', 'noslash', '*'];
const IX_GROUPS = ['admins', 'dev', 'dev*', '*ops', '*'];
const IX_SCOPES = ['read', 'write', 're*', '*', ' *'];
const IX_TEAMS = ['core', 'co*', '*re'];

const ixSource = fc.oneof(
  fc
    .record({
      principals: some(IX_PRINCIPALS),
      notPrincipals: some(IX_PRINCIPALS),
      namespaces: some(IX_NAMESPACES),
      notNamespaces: some(IX_NAMESPACES),
      requestPrincipals: some(IX_REQ_PRINCIPALS),
      notRequestPrincipals: some(IX_REQ_PRINCIPALS),
    })
    .filter((x) => Object.values(x).some((v) => v !== undefined)),
  // Istio refuses serviceAccounts next to principals or namespaces.
  fc.record({ serviceAccounts: fc.uniqueArray(pick(IX_SERVICE_ACCOUNTS), { minLength: 1, maxLength: 2 }), notServiceAccounts: some(IX_SERVICE_ACCOUNTS) }),
);
const ixOperation = fc
  .record({ methods: some(IX_METHODS), notMethods: some(IX_METHODS), hosts: some(IX_HOSTS), notHosts: some(IX_HOSTS), paths: some(IX_PATHS), notPaths: some(IX_PATHS) })
  .filter((x) => Object.values(x).some((v) => v !== undefined));
const ixCondition = fc
  .oneof(
    fc.record({ key: fc.constant('request.auth.claims[groups]'), values: some(IX_GROUPS), notValues: some(IX_GROUPS) }),
    fc.record({ key: fc.constant('request.auth.claims[scope]'), values: some(IX_SCOPES), notValues: some(IX_SCOPES) }),
    fc.record({ key: fc.constant('request.auth.claims[org][team]'), values: some(IX_TEAMS), notValues: some(IX_TEAMS) }),
    fc.record({ key: fc.constant('request.auth.claims[org]'), values: some(IX_TEAMS), notValues: some(IX_TEAMS) }),
    fc.record({ key: fc.constant('request.headers[x-a]'), values: some(HEADER_VALUES), notValues: some(HEADER_VALUES) }),
    fc.record({ key: fc.constant('source.principal'), values: some(IX_PRINCIPALS), notValues: some(IX_PRINCIPALS) }),
    fc.record({ key: fc.constant('source.namespace'), values: some(IX_NAMESPACES), notValues: some(IX_NAMESPACES) }),
    fc.record({ key: fc.constant('request.auth.principal'), values: some(IX_REQ_PRINCIPALS), notValues: some(IX_REQ_PRINCIPALS) }),
  )
  .filter((c) => c.values !== undefined || c.notValues !== undefined);
const ixRule: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    from: fc.option(fc.array(ixSource.map((x) => ({ source: strip(x) })), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
    to: fc.option(fc.array(ixOperation.map((x) => ({ operation: strip(x) })), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
    when: fc.option(fc.array(ixCondition.map(strip), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  })
  .map(strip);

const ixRequest: fc.Arbitrary<AuthzRequest> = fc
  .record({
    method: pick(['GET', 'POST', 'PUT', 'PATCH']),
    path: pick(['/a', '/a/', '/a/b', '/q/b', '/a/b/c', '/ab', '/abc', '/x/y/c', '/x/y/c/d', '/a/q/c', '/app.js', '/a/b.js', '/b', '/', '/q/c', '/a/q/c/']),
    host: pick(['example.com', 'api.example.com', 'example.com:8080', 'api.other.org', '']),
    xa: fc.option(fc.oneof(pick(['acme', 'ACME', '', 'b']), fc.constant(['a', 'b'])), { nil: undefined }),
    principal: fc.option(
      pick(['cluster.local/ns/a/sa/x', 'cluster.local/ns/a/sa/x-1', 'cluster.local/ns/a/sa/y', 'cluster.local/ns/b/sa/x', 'other/ns/b/sa/y', 'td/x/ns/a/y', 'ns/a/sa/z', 'a/ns/b/ns/c/sa/x', 'cluster.local/ns/shop/sa/x', 'cluster.local/ns/b/sa/yx']),
      { nil: undefined },
    ),
    auth: fc.option(
      fc.record({
        claims: fc.record(
          {
            iss: pick(['https://idp', 'https://other', '']),
            sub: pick(['alice', 'bob', '']),
            groups: fc.oneof(pick(['admins', 'dev', 'devops', '', 'dev ops']), fc.constant(['dev', 'x']), fc.constant(['devops']), fc.constant([1, 'admins'])),
            scope: fc.oneof(pick(['read write', 'read', '  ', '', 'readwrite', 'write  read']), fc.constant(['read write']), fc.constant(['write'])),
            org: fc.oneof(fc.constant({ team: 'core' }), fc.constant({ team: ['core', 'x'] }), fc.constant({ team: 'x' }), fc.constant('core')),
          },
          { requiredKeys: [] },
        ),
        principal: fc.option(pick(['https://idp/alice', 'https://other/bob', 'noslash']), { nil: undefined }),
      }),
      { nil: undefined },
    ),
  })
  .map((x) => ({
    method: x.method,
    path: x.path,
    host: x.host,
    headers: x.xa === undefined ? {} : { 'x-a': x.xa },
    ...(x.principal !== undefined ? { peer: { principal: x.principal } } : {}),
    ...(x.auth !== undefined ? { auth: { claims: x.auth.claims, ...(x.auth.principal !== undefined ? { principal: x.auth.principal } : {}) } } : {}),
  }));

describe('the indexed evaluator agrees with a direct reading of the rules, on every kind of index key', () => {
  const named = <T extends { name: string }>(ps: T[]): T[] => {
    const seen = new Set<string>();
    return ps.filter((p) => !seen.has(p.name) && seen.add(p.name));
  };
  it('exact values, prefixes, suffixes, templates, namespaces, request principals, claims, hosts, headers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: pick(['i1', 'i2', 'i3', 'i4', 'i5']), action: pick(['ALLOW', 'DENY', 'AUDIT'] as const), rules: fc.array(ixRule, { minLength: 1, maxLength: 10 }) }), { maxLength: 5 }).map(named),
        fc.array(ixRequest, { minLength: 1, maxLength: 12 }),
        (raw, reqs) => {
          const policies = toPolicies(raw);
          const snapshot = compilePolicies(policies, { namespace: 'shop' });
          for (const r of reqs) {
            const got = evaluatePolicies(snapshot, r);
            expect({ allowed: got.allowed, id: got.id }).toEqual(refDecide(policies, r));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('many rules of one shape, filed under shared and nested keys', () => {
    // One field per rule, so that every rule is filed under that field's keys.
    const oneField = fc.oneof(
      some(IX_PATHS).map((paths) => (paths ? { to: [{ operation: { paths } }] } : {})),
      some(IX_PRINCIPALS).map((principals) => (principals ? { from: [{ source: { principals } }] } : {})),
      some(IX_HOSTS).map((hosts) => (hosts ? { to: [{ operation: { hosts } }] } : {})),
      some(IX_GROUPS).map((values) => (values ? { when: [{ key: 'request.auth.claims[groups]', values }] } : {})),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: pick(['m1', 'm2', 'm3']), action: pick(['ALLOW', 'DENY'] as const), rules: fc.array(oneField, { minLength: 1, maxLength: 24 }) }), { maxLength: 3 }).map(named),
        fc.array(ixRequest, { minLength: 1, maxLength: 12 }),
        (raw, reqs) => {
          const policies = toPolicies(raw);
          const snapshot = compilePolicies(policies, { namespace: 'shop' });
          for (const r of reqs) {
            const got = evaluatePolicies(snapshot, r);
            expect({ allowed: got.allowed, id: got.id }).toEqual(refDecide(policies, r));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the loader either succeeds or throws PolicyLoadError, never anything else', () => {
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  it('on random values', () => {
    fc.assert(
      fc.property(anyJson, (v) => {
        try {
          const ps = parsePolicies(v as Record<string, unknown>);
          expect(Array.isArray(ps)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(PolicyLoadError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('on mutated valid manifests (fields replaced by random values), all or nothing', () => {
    const base = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { action: 'DENY', rules: [{ from: [{ source: { principals: ['a/ns/b/sa/c'], ipBlocks: ['10.0.0.0/8'] } }], to: [{ operation: { paths: ['/x/{*}'], ports: ['80'] } }], when: [{ key: 'request.headers[a]', values: ['b'] }] }] },
    };
    const paths = [
      ['spec'], ['spec', 'action'], ['spec', 'rules'], ['spec', 'rules', 0], ['spec', 'rules', 0, 'from'], ['spec', 'rules', 0, 'from', 0, 'source'],
      ['spec', 'rules', 0, 'from', 0, 'source', 'ipBlocks'], ['spec', 'rules', 0, 'to', 0, 'operation', 'paths'], ['spec', 'rules', 0, 'when', 0, 'key'],
      ['spec', 'rules', 0, 'when', 0], ['metadata'], ['metadata', 'name'], ['kind'], ['apiVersion'], ['spec', 'selector'], ['spec', 'targetRefs'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...paths), anyJson, fc.boolean(), (path, value, asYaml) => {
        const doc = structuredClone(base) as Record<string, unknown>;
        let o: Record<string | number, unknown> = doc;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[path[path.length - 1] as string | number] = value;
        const good = structuredClone(base);
        good.metadata.name = 'ok';
        const input = [good, doc];
        try {
          const ps = asYaml ? parsePolicies(input.map((d) => stringify(d)).join('---\n')) : parsePolicies(input);
          expect(ps.length).toBeGreaterThanOrEqual(1);
          expect(ps.every((p) => p.kind === 'AuthorizationPolicy')).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(PolicyLoadError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parsePolicies(`apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a}\nspec:\n  rules:\n${text}`);
        } catch (err) {
          expect(err).toBeInstanceOf(PolicyLoadError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
