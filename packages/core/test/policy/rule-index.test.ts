import { describe, expect, it } from '@jest/globals';
import { evaluatePolicies, type AuthorizationPolicy, type PolicyRule } from '../../src/policy/index.js';
import { snapshotEngine } from '../../src/policy/snapshot.js';
import { decide, peer, policy, req, snap } from './helpers.js';

// The rule index (rule-index.ts) only decides which rules run their matchers; the decision and the
// reported rule must be those of a plain scan in Envoy's order (engine_impl.cc: first match in
// policy-name order). property.test.ts compares both on random policies; these cases pin down
// each kind of key and the rules that must never be skipped.

const allow = (name: string, rules: PolicyRule[], namespace = 'shop'): AuthorizationPolicy => policy(name, { rules }, namespace);
const deny = (name: string, rules: PolicyRule[]): AuthorizationPolicy => policy(name, { action: 'DENY', rules });
const paths = (...p: string[]): PolicyRule => ({ to: [{ operation: { paths: p } }] });
const principals = (...p: string[]): PolicyRule => ({ from: [{ source: { principals: p } }] });
const groups = (...g: string[]): PolicyRule => ({ when: [{ key: 'request.auth.claims[groups]', values: g }] });
const jwt = (claims: Record<string, unknown>, principal?: string) => ({ claims, ...(principal !== undefined ? { principal } : {}) });

/** How the rules of the enforced DENY and ALLOW policies are filed. */
function filing(policies: readonly AuthorizationPolicy[]): { always: number; indexed: Readonly<Record<string, number>> } {
  const g = snapshotEngine(snap(policies)).rbac;
  if (g === undefined) throw new Error('no enforced rules');
  return g.stats();
}

describe('one rule found through any of its keys', () => {
  const ps = [allow('p', [paths('/exact', '/pre/*', '*.js', '/t/{*}/x', '/u/{**}')])];
  it.each([
    ['/exact', true],
    ['/exact/', false],
    ['/pre/a/b', true],
    ['/pre', false],
    ['/lib/app.js', true],
    ['/t/1/x', true],
    ['/t/1/y', false],
    ['/u/a/b', true],
    ['/v', false],
  ])('%s ⇒ %s', (path, allowed) => {
    expect(decide(ps, req({ path })).allowed).toBe(allowed);
  });
  it('is filed, not checked on every request', () => {
    expect(filing(ps)).toEqual({ always: 0, indexed: { path: 1 } });
  });
});

describe("Envoy's order across buckets", () => {
  it('a rule found through a later lookup still wins when it comes first in name order', () => {
    // `a` is filed under its principal, `b` under its path; both match, `a` sorts first.
    const ps = [allow('b', [paths('/x')]), allow('a', [principals('cluster.local/ns/a/sa/x')])];
    expect(decide(ps, req({ path: '/x', peer: peer('cluster.local/ns/a/sa/x') })).id).toBe('ns[shop]-policy[a]-rule[0]');
    expect(decide(ps, req({ path: '/x', peer: peer('cluster.local/ns/a/sa/y') })).id).toBe('ns[shop]-policy[b]-rule[0]');
  });
  it('rule[10] before rule[2] within one bucket, and nested prefixes in name order', () => {
    const rules = Array.from({ length: 11 }, (_, i) => paths(i === 2 ? '/a/*' : i === 10 ? '/a/b/*' : `/other-${i}`));
    expect(decide([allow('p', rules)], req({ path: '/a/b/c' })).id).toBe('ns[shop]-policy[p]-rule[10]');
  });
  it('every DENY rule before every ALLOW rule, whatever their names', () => {
    const ps = [allow('a-allow', [paths('/x')]), deny('z-deny', [principals('cluster.local/ns/a/sa/x')])];
    expect(decide(ps, req({ path: '/x', peer: peer('cluster.local/ns/a/sa/x') }))).toMatchObject({ allowed: false, id: 'ns[shop]-policy[z-deny]-rule[0]' });
    expect(decide(ps, req({ path: '/x' }))).toMatchObject({ allowed: true, id: 'ns[shop]-policy[a-allow]-rule[0]' });
  });
  it('an ALLOW policy without a matching rule still denies; without ALLOW policies nothing does', () => {
    expect(decide([allow('a', [paths('/x')])], req({ path: '/y' }))).toMatchObject({ allowed: false, action: 'ALLOW' });
    expect(decide([deny('d', [paths('/x')])], req({ path: '/y' }))).toMatchObject({ allowed: true, action: 'NONE' });
  });
});

describe('rules that must never be skipped', () => {
  it.each<[string, PolicyRule, Parameters<typeof req>[0]]>([
    ['notPaths only', { to: [{ operation: { notPaths: ['/x'] } }] }, { path: '/y' }],
    ['`*` path', paths('*'), { path: '/anything' }],
    ['`*` principal', principals('*'), { peer: peer('td/ns/a/sa/b') }],
    ['namespace with a wildcard', { from: [{ source: { namespaces: ['sh*'] } }] }, { peer: peer('td/ns/shop/sa/b') }],
    ['ports', { to: [{ operation: { ports: ['8080'] } }] }, { destinationPort: 8080 }],
    ['ipBlocks', { from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }, { sourceIp: '10.1.2.3' }],
    ['notPrincipals only', { from: [{ source: { notPrincipals: ['td/ns/a/sa/b'] } }] }, { peer: peer('td/ns/a/sa/c') }],
    ['empty rule', {}, {}],
  ])('%s', (_, rule, r) => {
    const ps = [allow('p', [rule])];
    expect(filing(ps).always).toBe(1);
    expect(decide(ps, req(r)).allowed).toBe(true);
  });
  it('a source with an unindexable value is always checked, even when other sources have keys', () => {
    const rule: PolicyRule = { from: [{ source: { principals: ['td/ns/a/sa/b'] } }, { source: { ipBlocks: ['10.0.0.0/8'] } }] };
    const ps = [allow('p', [rule])];
    expect(filing(ps).always).toBe(1);
    expect(decide(ps, req({ sourceIp: '10.0.0.1' })).allowed).toBe(true);
  });
  it('a value filed under a key still fails its not… values', () => {
    const ps = [allow('p', [{ to: [{ operation: { paths: ['/api/*'], notPaths: ['/api/admin*'] } }] }])];
    expect(filing(ps).always).toBe(0);
    expect(decide(ps, req({ path: '/api/x' })).allowed).toBe(true);
    expect(decide(ps, req({ path: '/api/admin/x' })).allowed).toBe(false);
  });
});

describe('keys of each attribute', () => {
  it('principals: exact, prefix, suffix; several sources filed under different kinds of key', () => {
    const rule: PolicyRule = {
      from: [{ source: { principals: ['td/ns/a/sa/x', 'td/ns/b/*', '*/sa/ops'] } }, { source: { namespaces: ['c'] } }],
    };
    const ps = [allow('p', [rule])];
    expect(filing(ps).always).toBe(0);
    for (const [p, allowed] of [
      ['td/ns/a/sa/x', true],
      ['td/ns/b/sa/any', true],
      ['other/ns/z/sa/ops', true],
      ['td/ns/c/sa/q', true],
      ['td/ns/a/sa/y', false],
    ] as const) {
      expect(decide(ps, req({ peer: peer(p) })).allowed).toBe(allowed);
    }
  });
  it('namespaces: every /ns/<v>/ of the principal, and the namespace of a service account', () => {
    const ps = [allow('p', [{ from: [{ source: { namespaces: ['b'] } }] }, { from: [{ source: { serviceAccounts: ['front', 'ops/robot'] } }] }])];
    expect(filing(ps)).toEqual({ always: 0, indexed: { namespace: 2 } });
    expect(decide(ps, req({ peer: peer('td/ns/a/x/ns/b/sa/y') })).id).toBe('ns[shop]-policy[p]-rule[0]');
    expect(decide(ps, req({ peer: peer('ns/b/sa/y') })).id).toBe('ns[shop]-policy[p]-rule[0]');
    expect(decide(ps, req({ peer: peer('td/ns/shop/sa/front') })).id).toBe('ns[shop]-policy[p]-rule[1]');
    expect(decide(ps, req({ peer: peer('td/ns/ops/sa/robot') })).id).toBe('ns[shop]-policy[p]-rule[1]');
    expect(decide(ps, req({ peer: peer('td/ns/shop/sa/robot') })).allowed).toBe(false);
  });
  it('hosts ignore case (HostMatcher ignore_case); the request host is lower-case', () => {
    const ps = [allow('p', [{ to: [{ operation: { hosts: ['Shop.Example.COM', '*.Internal', 'API.*'] } }] }])];
    expect(filing(ps).always).toBe(0);
    expect(decide(ps, req({ host: 'shop.example.com' })).allowed).toBe(true);
    expect(decide(ps, req({ host: 'db.internal' })).allowed).toBe(true);
    expect(decide(ps, req({ host: 'api.example.org' })).allowed).toBe(true);
    expect(decide(ps, req({ host: 'example.com' })).allowed).toBe(false);
  });
  it('methods: exact and prefix', () => {
    const ps = [allow('p', [{ to: [{ operation: { methods: ['GET', 'PU*'] } }] }])];
    expect(filing(ps).always).toBe(0);
    expect(decide(ps, req({ method: 'PUT' })).allowed).toBe(true);
    expect(decide(ps, req({ method: 'POST' })).allowed).toBe(false);
  });
  it('request principals: iss/sub from the payload, or from auth.principal when it has neither', () => {
    const ps = [allow('p', [{ from: [{ source: { requestPrincipals: ['https://idp/alice', 'solo'] } }] }])];
    expect(filing(ps)).toEqual({ always: 0, indexed: { requestPrincipal: 1 } });
    expect(decide(ps, req({ auth: jwt({ iss: 'https://idp', sub: 'alice' }) })).allowed).toBe(true);
    expect(decide(ps, req({ auth: jwt({}, 'https://idp/alice') })).allowed).toBe(true);
    expect(decide(ps, req({ auth: jwt({ iss: 'https://idp', sub: 'bob' }) })).allowed).toBe(false);
    // A value without `/` is `iss` with an empty `sub`.
    expect(decide(ps, req({ auth: jwt({ iss: 'solo', sub: '' }) })).allowed).toBe(true);
    expect(decide(ps, req({ auth: jwt({ iss: 'solo' }) })).allowed).toBe(false);
  });
  it('claims: string, list elements (strings only), nested paths', () => {
    const ps = [allow('p', [groups('admins', 'dev*'), { when: [{ key: 'request.auth.claims[org][team]', values: ['core'] }] }])];
    expect(filing(ps)).toEqual({ always: 0, indexed: { claim: 2 } });
    expect(decide(ps, req({ auth: jwt({ groups: 'admins' }) })).id).toBe('ns[shop]-policy[p]-rule[0]');
    expect(decide(ps, req({ auth: jwt({ groups: [1, 'x', 'devops'] }) })).id).toBe('ns[shop]-policy[p]-rule[0]');
    expect(decide(ps, req({ auth: jwt({ groups: [['admins']] }) })).allowed).toBe(false);
    expect(decide(ps, req({ auth: jwt({ org: { team: ['x', 'core'] } }) })).id).toBe('ns[shop]-policy[p]-rule[1]');
    expect(decide(ps, req({ auth: jwt({ org: 'core' }) })).allowed).toBe(false);
    expect(decide(ps, req({})).allowed).toBe(false);
  });
  it('space-delimited claims are looked up token by token, or whole when they have no token', () => {
    const ps = [allow('p', [{ when: [{ key: 'request.auth.claims[scope]', values: ['write', ' *'] }] }])];
    expect(filing(ps).always).toBe(0);
    expect(decide(ps, req({ auth: jwt({ scope: 'read write' }) })).allowed).toBe(true);
    expect(decide(ps, req({ auth: jwt({ scope: '   ' }) })).allowed).toBe(true);
    expect(decide(ps, req({ auth: jwt({ scope: 'read' }) })).allowed).toBe(false);
    expect(decide(ps, req({ auth: jwt({ scope: ['read write'] }) })).allowed).toBe(false);
  });
  it('headers: the joined value of the header', () => {
    const ps = [allow('p', [{ when: [{ key: 'request.headers[X-Tenant]', values: ['acme', 'a,b'] }] }])];
    expect(filing(ps)).toEqual({ always: 0, indexed: { header: 1 } });
    expect(decide(ps, req({ headers: { 'x-tenant': 'acme' } })).allowed).toBe(true);
    expect(decide(ps, req({ headers: { 'x-tenant': ['a', 'b'] } })).allowed).toBe(true);
    expect(decide(ps, req({ headers: { 'x-tenant': ['acme', 'b'] } })).allowed).toBe(false);
  });
  it('a rule is filed under its most selective alternative', () => {
    // Every rule shares the method; the paths are unique: the paths are chosen.
    const rules = Array.from({ length: 20 }, (_, i): PolicyRule => ({ to: [{ operation: { methods: ['GET'], paths: [`/r${i}`] } }] }));
    expect(filing([allow('p', rules)])).toEqual({ always: 0, indexed: { path: 20 } });
    // Every rule shares the path prefix; the principals are unique: the principals are chosen.
    const mixed = Array.from({ length: 20 }, (_, i): PolicyRule => ({ from: [{ source: { principals: [`td/ns/a/sa/s${i}`] } }], to: [{ operation: { paths: ['/api/*'] } }] }));
    expect(filing([allow('p', mixed)])).toEqual({ always: 0, indexed: { principal: 20 } });
  });
});

describe('the lookup keeps no state between requests', () => {
  it('the same snapshot gives the same answers in any order and any number of times', () => {
    const ps = [allow('p', [paths('/a/*'), paths('/a/b/*'), principals('td/ns/a/*'), groups('g')]), deny('d', [paths('*.exe')])];
    const s = snap(ps);
    const reqs = [req({ path: '/a/b/c' }), req({ path: '/x.exe', peer: peer('td/ns/a/sa/b') }), req({ path: '/z', auth: jwt({ groups: ['g'] }) }), req({ path: '/z' })];
    const first = reqs.map((r) => evaluatePolicies(s, r).id);
    for (let i = 0; i < 200; i++) {
      const k = (i * 7) % reqs.length;
      expect(evaluatePolicies(s, reqs[k] as ReturnType<typeof req>).id).toBe(first[k]);
    }
    expect(first).toEqual(['ns[shop]-policy[p]-rule[0]', 'ns[shop]-policy[d]-rule[0]', 'ns[shop]-policy[p]-rule[3]', undefined]);
  });
});
