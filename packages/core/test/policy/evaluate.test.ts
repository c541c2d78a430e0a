import { describe, expect, it } from '@jest/globals';
import { OptionError } from '../../src/errors.js';
import {
  ACCESS_DENIED,
  PolicyInvalidError,
  compilePolicies,
  evaluatePolicies,
  parsePolicies,
  type AuthorizationPolicy,
} from '../../src/policy/index.js';
import { decide, peer, policy, req, snap } from './helpers.js';

// Sources: reference §1 (decision function), §3 (actions), [BUILD] builder.go, [ENVOY-RBAC] engine_impl.cc.

describe('actions and their order (reference §1, [API] header comment)', () => {
  it('no policy ⇒ allow ([DOC-concepts] implicit enablement)', () => {
    const d = decide([], req());
    expect(d).toMatchObject({ allowed: true, action: 'NONE', policy: undefined, reason: 'allowed' });
  });
  it('allow-nothing: an ALLOW policy without rules denies everything ([BUILD] rbacPolicyMatchNever)', () => {
    expect(decide([policy('allow-nothing', {})], req())).toMatchObject({ allowed: false, action: 'ALLOW', id: undefined, reason: ACCESS_DENIED });
    expect(decide([policy('allow-nothing', { rules: [] })], req()).allowed).toBe(false);
  });
  it('allow-all and deny-all: one empty rule matches everything ([API] Rule)', () => {
    expect(decide([policy('allow-all', { rules: [{}] })], req())).toMatchObject({ allowed: true, action: 'ALLOW', id: 'ns[shop]-policy[allow-all]-rule[0]' });
    expect(decide([policy('deny-all', { action: 'DENY', rules: [{}] }), policy('allow-all', { rules: [{}] })], req())).toMatchObject({
      allowed: false,
      action: 'DENY',
      policy: 'shop/deny-all',
      rule: 0,
      id: 'ns[shop]-policy[deny-all]-rule[0]',
      reason: 'RBAC: access denied',
    });
  });
  it('DENY before ALLOW; ALLOW policies ORed; any ALLOW and no match ⇒ deny', () => {
    const ps = [
      policy('deny-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] }),
      policy('allow-get', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }),
      policy('allow-post-api', { rules: [{ to: [{ operation: { methods: ['POST'], paths: ['/api/*'] } }] }] }),
    ];
    expect(decide(ps, req({ path: '/admin/x' })).action).toBe('DENY');
    expect(decide(ps, req({ path: '/x' })).policy).toBe('shop/allow-get');
    expect(decide(ps, req({ method: 'POST', path: '/api/x' })).policy).toBe('shop/allow-post-api');
    expect(decide(ps, req({ method: 'POST', path: '/x' }))).toMatchObject({ allowed: false, action: 'ALLOW', policy: undefined });
  });
  it('an ALLOW policy whose rules are all dropped still turns on default deny (reference §11.2)', () => {
    const p = policy('x', { rules: [{ when: [{ key: 'request.headersX[a]', values: ['b'] }] }] });
    expect(decide([p], req()).allowed).toBe(false);
  });
  it('AUDIT never denies and does not count as ALLOW ([BUILD] RBAC LOG, reference §3.2)', () => {
    const d = decide([policy('audit', { action: 'AUDIT', rules: [{ to: [{ operation: { paths: ['/x'] } }] }] })], req({ path: '/x' }));
    expect(d).toMatchObject({ allowed: true, action: 'NONE', audit: { policy: 'shop/audit', rule: 0, id: 'ns[shop]-policy[audit]-rule[0]' } });
    expect(decide([policy('audit', { action: 'AUDIT', rules: [{ to: [{ operation: { paths: ['/x'] } }] }] })], req({ path: '/y' })).audit).toBeUndefined();
  });
});

describe("Envoy's effective policy: the first match in policy-name order ([ENVOY-RBAC] std::map)", () => {
  it('rule[10] sorts before rule[1]', () => {
    const rules = Array.from({ length: 11 }, (_, i) => (i === 0 ? { to: [{ operation: { paths: ['/never'] } }] } : {}));
    expect(decide([policy('p', { action: 'DENY', rules })], req()).id).toBe('ns[shop]-policy[p]-rule[10]');
  });
  it('policy a before policy b, namespaces before names', () => {
    const ps = [policy('b', { action: 'DENY', rules: [{}] }), policy('a', { action: 'DENY', rules: [{}] })];
    expect(decide(ps, req()).policy).toBe('shop/a');
    const root = policy('z', { action: 'DENY', rules: [{}] }, 'istio-system');
    expect(decide([...ps, root], req()).policy).toBe('istio-system/z');
  });
});

describe('dry-run (istio.io/dry-run, Go strconv.ParseBool, reference §3.3)', () => {
  const denyHeaders = (value: string): AuthorizationPolicy =>
    policy('deny-path-headers', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/headers'] } }] }] }, 'shop', { 'istio.io/dry-run': value });
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('%s is true: reported, not enforced', (v) => {
    const d = decide([denyHeaders(v)], req({ path: '/headers' }));
    expect(d.allowed).toBe(true);
    expect(d.dryRun).toEqual([{ action: 'DENY', matched: { policy: 'shop/deny-path-headers', rule: 0, id: 'ns[shop]-policy[deny-path-headers]-rule[0]' }, wouldAllow: false }]);
  });
  it.each(['yes', 'on', 'tRue', '', '0', 'false'])('%j is not true: enforced', (v) => {
    expect(decide([denyHeaders(v)], req({ path: '/headers' })).allowed).toBe(false);
  });
  it('all ALLOW policies dry-run ⇒ no default deny; shadow ALLOW reports what would happen', () => {
    const p = policy('allow-get', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }, 'shop', { 'istio.io/dry-run': 'true' });
    const d = decide([p], req({ method: 'POST' }));
    expect(d.allowed).toBe(true);
    expect(d.dryRun).toEqual([{ action: 'ALLOW', matched: undefined, wouldAllow: false }]);
    expect(decide([p], req()).dryRun[0]?.wouldAllow).toBe(true);
  });
  it('dry-run AUDIT and CUSTOM are reported only', () => {
    const audit = policy('a', { action: 'AUDIT', rules: [{}] }, 'shop', { 'istio.io/dry-run': 'true' });
    const custom = policy('c', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] }, 'shop', { 'istio.io/dry-run': 'true' });
    const d = decide([audit, custom], req());
    expect(d.allowed).toBe(true);
    expect(d.audit).toBeUndefined();
    expect(d.dryRun.map((r) => [r.action, r.wouldAllow])).toEqual([['CUSTOM', false], ['AUDIT', true]]);
  });
});

describe('CUSTOM (reference §3.4, integrations §1.1)', () => {
  const ext = (name: string, provider: string, paths: string[]): AuthorizationPolicy =>
    policy(name, { action: 'CUSTOM', provider: { name: provider }, rules: [{ to: [{ operation: { paths } }] }] });
  it('a matching CUSTOM rule asks for the provider and fails closed until consulted', () => {
    const ps = [ext('ext-authz', 'opa', ['/admin*']), policy('deny-x', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin/x'] } }] }] })];
    const d = decide(ps, req({ path: '/admin/y' }));
    expect(d).toMatchObject({ allowed: false, action: 'CUSTOM', policy: 'shop/ext-authz', reason: ACCESS_DENIED });
    expect(d.custom).toEqual([{ policy: 'shop/ext-authz', rule: 0, id: 'ns[shop]-policy[ext-authz]-rule[0]', provider: 'opa' }]);
    expect(d.afterCustom).toMatchObject({ allowed: true, action: 'NONE' });
    // the provider cannot bypass DENY: afterCustom carries the DENY decision
    expect(decide(ps, req({ path: '/admin/x' })).afterCustom).toMatchObject({ allowed: false, action: 'DENY' });
  });
  it('a non-matching CUSTOM policy has no effect and does not create default deny', () => {
    expect(decide([ext('e', 'opa', ['/admin*'])], req({ path: '/x' }))).toMatchObject({ allowed: true, action: 'NONE' });
  });
  it('unknown provider ⇒ its rules deny ([BUILD] getBadCustomDenyRules)', () => {
    const d = decide([ext('e', 'nope', ['/admin*'])], req({ path: '/admin' }), { extensionProviders: ['opa'] });
    expect(d).toMatchObject({ allowed: false, action: 'DENY', id: 'ns[shop]-policy[e]-rule[0]-deny-due-to-bad-CUSTOM-action' });
    expect(decide([ext('e', 'nope', ['/admin*'])], req({ path: '/x' }), { extensionProviders: ['opa'] }).allowed).toBe(true);
    expect(decide([ext('e', 'opa', ['/admin*'])], req({ path: '/admin' }), { extensionProviders: ['opa'] }).action).toBe('CUSTOM');
  });
  it('two providers without multipleCustomProviders ⇒ all CUSTOM rules deny; with it, both are consulted', () => {
    const ps = [ext('a', 'opa', ['/x']), ext('b', 'authz2', ['/x'])];
    expect(decide(ps, req({ path: '/x' })).action).toBe('DENY');
    const d = decide(ps, req({ path: '/x' }), { multipleCustomProviders: true });
    expect(d.custom.map((c) => c.provider)).toEqual(['authz2', 'opa']);
  });
});

describe('workload scoping (reference §2, integrations §4.5)', () => {
  const deny = (name: string, ns: string, extra: Record<string, unknown> = {}): AuthorizationPolicy => policy(name, { action: 'DENY', rules: [{}], ...extra }, ns);
  it('workload namespace and root namespace apply; others never', () => {
    const s = snap([deny('own', 'shop'), deny('mesh', 'istio-system'), deny('other', 'billing')]);
    expect(s.policies.map((p) => p.name)).toEqual(['shop/own', 'istio-system/mesh']);
    expect(s.skipped).toEqual([{ policy: 'billing/other', reason: expect.stringContaining('neither the workload namespace') }]);
    expect(snap([deny('mesh', 'mesh-root')], { rootNamespace: 'mesh-root' }).policies).toHaveLength(1);
  });
  it('selector.matchLabels ⊆ workload labels; empty matchLabels applies', () => {
    const labels = { app: 'orders', version: 'v1' };
    expect(snap([deny('a', 'shop', { selector: { matchLabels: { app: 'orders' } } })], { labels }).policies).toHaveLength(1);
    expect(snap([deny('a', 'shop', { selector: { matchLabels: { app: 'orders', version: 'v2' } } })], { labels }).policies).toHaveLength(0);
    expect(snap([deny('a', 'shop', { selector: {} })], { labels }).policies).toHaveLength(1);
    expect(snap([deny('a', 'istio-system', { selector: { matchLabels: { app: 'orders' } } })], { labels }).policies).toHaveLength(1);
  });
  it('targetRef(s) never apply to a sidecar workload', () => {
    const s = snap([deny('gw', 'shop', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'web' }] }), deny('gw1', 'shop', { targetRef: { kind: 'Gateway', name: 'web' } })]);
    expect(s.policies).toHaveLength(0);
    expect(s.skipped.map((x) => x.reason)).toEqual([expect.stringContaining('targetRef'), expect.stringContaining('targetRef')]);
  });
});

describe('compilePolicies', () => {
  it('checks options once, naming the option', () => {
    expect(() => compilePolicies([], { namespace: '' })).toThrow(OptionError);
    expect(() => compilePolicies([], { namespace: 'a', trustDomainAliases: [''] })).toThrow(/"trustDomainAliases" option/);
  });
  it('validates hand-made objects and throws PolicyInvalidError with every problem', () => {
    const bad = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'x', namespace: 'shop' }, spec: { action: 'DENY', rules: [{ from: [{ source: { ipBlocks: ['nope'] } }] }] } };
    const err = (() => {
      try {
        compilePolicies([bad as unknown as AuthorizationPolicy], { namespace: 'shop' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(PolicyInvalidError);
    expect((err as PolicyInvalidError).code).toBe('ERR_POLICY_INVALID');
    expect((err as PolicyInvalidError).issues[0]?.field).toBe('[0].spec.rules[0].from[0].source.ipBlocks[0]');
  });
  it('produces an immutable snapshot and shares frozen decisions', () => {
    const s = snap([policy('a', { rules: [{}] })]);
    expect(Object.isFrozen(s)).toBe(true);
    const d1 = evaluatePolicies(s, req());
    expect(Object.isFrozen(d1)).toBe(true);
    expect(evaluatePolicies(s, req({ path: '/other' }))).toBe(d1);
  });
});

// istio.io content/en/docs/tasks/security/authorization/*: the task examples, as written there.
describe('Istio task examples', () => {
  it('authz-http: Bookinfo allow-nothing, then per-service viewers', () => {
    const yaml = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: default}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: productpage-viewer, namespace: default}
spec:
  selector: {matchLabels: {app: productpage}}
  action: ALLOW
  rules:
  - to:
    - operation:
        methods: ["GET"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: details-viewer, namespace: default}
spec:
  selector: {matchLabels: {app: details}}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]
    to:
    - operation:
        methods: ["GET"]
`;
    const ps = parsePolicies(yaml);
    const productpage = compilePolicies(ps, { namespace: 'default', labels: { app: 'productpage' } });
    const details = compilePolicies(ps, { namespace: 'default', labels: { app: 'details' } });
    const ratings = compilePolicies(ps, { namespace: 'default', labels: { app: 'ratings' } });
    expect(evaluatePolicies(productpage, req({ path: '/productpage' })).allowed).toBe(true);
    expect(evaluatePolicies(productpage, req({ method: 'POST' })).allowed).toBe(false);
    expect(evaluatePolicies(details, req({ path: '/details/0', peer: peer('cluster.local/ns/default/sa/bookinfo-productpage') })).allowed).toBe(true);
    expect(evaluatePolicies(details, req({ path: '/details/0', peer: peer('cluster.local/ns/default/sa/sleep') })).allowed).toBe(false);
    expect(evaluatePolicies(ratings, req()).allowed).toBe(false); // "RBAC: access denied" until ratings-viewer exists
  });

  it('authz-deny: deny GET unless x-token: admin, then allow-path-ip', () => {
    const deny = policy('deny-method-get', {
      selector: { matchLabels: { app: 'httpbin' } },
      action: 'DENY',
      rules: [{ to: [{ operation: { methods: ['GET'] } }], when: [{ key: 'request.headers[x-token]', notValues: ['admin'] }] }],
    }, 'foo');
    const allowIp = policy('allow-path-ip', { selector: { matchLabels: { app: 'httpbin' } }, action: 'ALLOW', rules: [{ to: [{ operation: { paths: ['/ip'] } }] }] }, 'foo');
    const o = { namespace: 'foo', labels: { app: 'httpbin' } };
    expect(decide([deny], req({ path: '/get', headers: { 'x-token': 'admin' } }), o).allowed).toBe(true);
    expect(decide([deny], req({ path: '/get', headers: { 'x-token': 'guest' } }), o).allowed).toBe(false);
    expect(decide([deny], req({ method: 'POST', path: '/post', headers: { 'x-token': 'guest' } }), o).allowed).toBe(true);
    expect(decide([deny, allowIp], req({ path: '/ip', headers: { 'x-token': 'admin' } }), o).allowed).toBe(true);
    expect(decide([deny, allowIp], req({ path: '/get', headers: { 'x-token': 'admin' } }), o).allowed).toBe(false);
  });

  it('authz-jwt: require a request principal, then a groups claim', () => {
    const o = { namespace: 'foo', labels: { app: 'httpbin' } };
    const requireJwt = (when?: unknown[]) =>
      policy('require-jwt', {
        selector: { matchLabels: { app: 'httpbin' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { requestPrincipals: ['testing@secure.istio.io/testing@secure.istio.io'] } }], ...(when ? { when } : {}) }],
      }, 'foo');
    const token = { iss: 'testing@secure.istio.io', sub: 'testing@secure.istio.io' };
    expect(decide([requireJwt()], req({ path: '/headers', auth: { claims: token } }), o).allowed).toBe(true);
    expect(decide([requireJwt()], req({ path: '/headers' }), o).allowed).toBe(false);
    const groups = requireJwt([{ key: 'request.auth.claims[groups]', values: ['group1'] }]);
    expect(decide([groups], req({ auth: { claims: { ...token, groups: ['group1', 'group2'] } } }), o).allowed).toBe(true);
    expect(decide([groups], req({ auth: { claims: token } }), o).allowed).toBe(false);
  });

  it('authz-ingress: ipBlocks / remoteIpBlocks on the ingress gateway', () => {
    const o = { namespace: 'istio-system', labels: { app: 'istio-ingressgateway' } };
    const allow = (field: 'ipBlocks' | 'remoteIpBlocks') =>
      policy('ingress-policy', { selector: { matchLabels: { app: 'istio-ingressgateway' } }, action: 'ALLOW', rules: [{ from: [{ source: { [field]: ['1.2.3.4', '5.6.7.0/24'] } }] }] }, 'istio-system');
    expect(decide([allow('ipBlocks')], req({ sourceIp: '5.6.7.8' }), o).allowed).toBe(true);
    expect(decide([allow('ipBlocks')], req({ sourceIp: '10.0.0.1', remoteIp: '1.2.3.4' }), o).allowed).toBe(false);
    expect(decide([allow('remoteIpBlocks')], req({ sourceIp: '10.0.0.1', remoteIp: '1.2.3.4' }), o).allowed).toBe(true);
    const deny = policy('ingress-policy', { selector: { matchLabels: { app: 'istio-ingressgateway' } }, action: 'DENY', rules: [{ from: [{ source: { remoteIpBlocks: ['1.2.3.4'] } }] }] }, 'istio-system');
    expect(decide([deny], req({ sourceIp: '10.0.0.1', remoteIp: '1.2.3.4' }), o).allowed).toBe(false);
  });

  it('authz-dry-run: deny-path-headers is logged, not enforced', () => {
    const p = policy('deny-path-headers', { selector: { matchLabels: { app: 'httpbin' } }, action: 'DENY', rules: [{ to: [{ operation: { paths: ['/headers'] } }] }] }, 'foo', { 'istio.io/dry-run': 'true' });
    const d = decide([p], req({ path: '/headers' }), { namespace: 'foo', labels: { app: 'httpbin' } });
    expect(d.allowed).toBe(true);
    expect(d.dryRun[0]).toMatchObject({ action: 'DENY', wouldAllow: false, matched: { id: 'ns[foo]-policy[deny-path-headers]-rule[0]' } });
  });

  it('concepts: disable-jwt-for-healthz alone denies /healthz (§12.6)', () => {
    const p = policy('disable-jwt-for-healthz', { action: 'ALLOW', rules: [{ to: [{ operation: { notPaths: ['/healthz'] } }], from: [{ source: { requestPrincipals: ['*'] } }] }] });
    expect(decide([p], req({ path: '/healthz' })).allowed).toBe(false);
  });
});
