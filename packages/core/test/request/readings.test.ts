import { describe, expect, it } from '@jest/globals';
import type { Socket } from 'node:net';
import { createMeshAuth } from '../../src/engine.js';
import type { HttpInput } from '../../src/request/http-input.js';
import { EXPRESS_DEFAULT_ROUTER, FASTIFY_DEFAULT_ROUTER, fastifyRouterProfile } from '../../src/request/router-profile.js';
import type { RequestContext } from '../../src/request/readings.js';
import type { Decision } from '../../src/decision.js';

const HASH = 'a'.repeat(64);
const xfcc = (ns: string): string => `By=spiffe://cluster.local/ns/shop/sa/orders;Hash=${HASH};Subject="";URI=spiffe://cluster.local/ns/${ns}/sa/x`;
const socket = (): Socket => ({ remoteAddress: '127.0.0.6', remotePort: 40000, localAddress: '127.0.0.1', localPort: 8080 }) as Socket;

function req(method: string, url: string, headers: Record<string, string> = {}, ns = 'shop'): HttpInput {
  const all = { host: 'orders.shop', 'x-forwarded-client-cert': xfcc(ns), ...headers };
  return { method, url, headers: all, rawHeaders: Object.entries(all).flat(), socket: socket() };
}

function policy(name: string, action: string, rule: string): string {
  return `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  action: ${action}\n  rules:\n  - ${rule}\n---\n`;
}

function engine(text: string, extra: Parameters<typeof createMeshAuth>[0] = {}) {
  return createMeshAuth({ policies: { text }, workload: { namespace: 'shop' }, ...extra });
}

const decide = (e: ReturnType<typeof engine>, r: HttpInput, context?: RequestContext): Decision => e.decide(r, context) as Decision;
const outcome = (d: Decision): string => (d.allowed ? 'allow' : `${d.status} ${d.code}${d.code.startsWith('AMBIGUOUS') ? ` ${d.detail}` : ''}`);

describe('readings: the router equivalences', () => {
  const deny = engine(policy('deny-admin', 'DENY', "to: [{operation: {paths: ['/admin', '/admin/*']}}]") + policy('deny-secret', 'DENY', "to: [{operation: {paths: ['/files/secret.txt']}}]"));

  it.each([
    ['/admin', EXPRESS_DEFAULT_ROUTER, '403 ACCESS_DENIED'],
    ['/ADMIN', EXPRESS_DEFAULT_ROUTER, '403 ACCESS_DENIED'],
    ['/ADMIN', FASTIFY_DEFAULT_ROUTER, 'allow'],
    ['/ADMIN', fastifyRouterProfile({ caseSensitive: false }), '403 ACCESS_DENIED'],
    ['/admin/', EXPRESS_DEFAULT_ROUTER, '403 ACCESS_DENIED'],
    ['/files/secret.txt/', EXPRESS_DEFAULT_ROUTER, '403 ACCESS_DENIED'],
    ['/files/secret.txt/', FASTIFY_DEFAULT_ROUTER, 'allow'],
    ['/files/secret%2Etxt', FASTIFY_DEFAULT_ROUTER, '403 ACCESS_DENIED'],
    ['/%61dmin', FASTIFY_DEFAULT_ROUTER, '403 ACCESS_DENIED'],
    ['/%41dmin', EXPRESS_DEFAULT_ROUTER, '403 ACCESS_DENIED'],
    ['//admin', fastifyRouterProfile({ ignoreDuplicateSlashes: true }), '403 ACCESS_DENIED'],
    ['//admin', EXPRESS_DEFAULT_ROUTER, '400 AMBIGUOUS_PATH duplicate-slash'],
    ['/admin#x', EXPRESS_DEFAULT_ROUTER, '400 AMBIGUOUS_PATH fragment'],
    ['http://orders.shop/admin', EXPRESS_DEFAULT_ROUTER, '403 ACCESS_DENIED'],
    ['http://other/admin', EXPRESS_DEFAULT_ROUTER, '400 AMBIGUOUS_HOST authority-mismatch'],
    ['/api/public/x', EXPRESS_DEFAULT_ROUTER, 'allow'],
  ])('%s on %j: %s', (url, router, expected) => {
    expect(outcome(decide(deny, req('GET', url), { router }))).toBe(expected);
  });

  it('uses the matched route when the router has routed (Fastify)', () => {
    const route = { pattern: '/admin', params: {} };
    expect(outcome(decide(deny, req('GET', '/ADMIN'), { router: fastifyRouterProfile({ caseSensitive: false }), route }))).toBe('403 ACCESS_DENIED');
    const file = { pattern: '/files/:name', params: { name: 'secret.txt' } };
    expect(outcome(decide(deny, req('GET', '/files/secret%2etxt'), { router: FASTIFY_DEFAULT_ROUTER, route: () => file }))).toBe('403 ACCESS_DENIED');
  });

  it('refuses nothing without policies, unless asked to', () => {
    expect(outcome(decide(createMeshAuth({}), req('GET', '/admin#x')))).toBe('allow');
    expect(outcome(decide(createMeshAuth({ request: { refuseAlways: true } }), req('GET', '/admin#x')))).toBe('400 AMBIGUOUS_PATH fragment');
  });
});

describe('readings: methods', () => {
  const e = engine(policy('deny-reads', 'DENY', "to: [{operation: {methods: ['GET'], paths: ['/reports/*']}}]") + policy('allow-gets', 'ALLOW', "to: [{operation: {methods: ['GET', 'POST']}}]"));

  it('lets a rule on GET govern HEAD, both ways', () => {
    expect(outcome(decide(e, req('HEAD', '/reports/1')))).toBe('403 ACCESS_DENIED');
    expect(outcome(decide(e, req('HEAD', '/other')))).toBe('allow');
  });

  it('evaluates what method-override headers ask for', () => {
    expect(outcome(decide(e, req('POST', '/reports/1', { 'x-http-method-override': 'get' })))).toBe('403 ACCESS_DENIED');
    expect(outcome(decide(e, req('POST', '/reports/1')))).toBe('allow');
    expect(outcome(decide(e, req('POST', '/reports/1', { 'x-http-method': 'nope' })))).toBe('400 AMBIGUOUS_METHOD method-override-invalid');
  });

  it('still applies a DENY written for HEAD', () => {
    const head = engine(policy('deny-head', 'DENY', "to: [{operation: {methods: ['HEAD']}}]"));
    expect(outcome(decide(head, req('HEAD', '/x')))).toBe('403 ACCESS_DENIED');
  });
});

describe('readings: hosts', () => {
  it('compares the host name only when the value names no port', () => {
    const e = engine(policy('deny-internal', 'DENY', "to: [{operation: {hosts: ['internal.example']}}]"));
    for (const host of ['internal.example', 'INTERNAL.example.', 'internal.example:8080', 'internal.example.:80']) {
      expect(outcome(decide(e, req('GET', '/', { host })))).toBe('403 ACCESS_DENIED');
    }
    expect(outcome(decide(e, req('GET', '/', { host: 'public.example:8080' })))).toBe('allow');
    expect(outcome(decide(e, req('GET', '/', { host: 'public, internal.example' })))).toBe('400 AMBIGUOUS_HOST malformed-host');
  });

  it('compares the port when a value names one', () => {
    const e = engine(policy('allow-8080', 'ALLOW', "to: [{operation: {hosts: ['api.example:8080', 'plain.example', 'pre*']}}]"));
    expect(outcome(decide(e, req('GET', '/', { host: 'api.example:8080' })))).toBe('allow');
    expect(outcome(decide(e, req('GET', '/', { host: 'api.example:9090' })))).toBe('403 ACCESS_DENIED');
    expect(outcome(decide(e, req('GET', '/', { host: 'api.example' })))).toBe('403 ACCESS_DENIED');
    expect(outcome(decide(e, req('GET', '/', { host: 'plain.example:9090' })))).toBe('allow');
    expect(outcome(decide(e, req('GET', '/', { host: 'prefixed.example:1' })))).toBe('allow');
  });

  it('fails closed when suffix values without a port meet values with one (both host forms must be allowed)', () => {
    const e = engine(policy('mixed', 'ALLOW', "to: [{operation: {hosts: ['api.example:8080', '*.suffix.example']}}]"));
    expect(outcome(decide(e, req('GET', '/', { host: 'a.suffix.example' })))).toBe('allow');
    expect(outcome(decide(e, req('GET', '/', { host: 'a.suffix.example:8080' })))).toBe('403 ACCESS_DENIED');
    const deny = engine(policy('mixed-deny', 'DENY', "to: [{operation: {hosts: ['api.example:8080', '*.suffix.example']}}]"));
    expect(outcome(decide(deny, req('GET', '/', { host: 'a.suffix.example:8080' })))).toBe('403 ACCESS_DENIED');
    expect(outcome(decide(deny, req('GET', '/', { host: 'api.example:8080' })))).toBe('403 ACCESS_DENIED');
  });
});

describe('engine.authorize (route rules)', () => {
  const e = createMeshAuth({});
  const admins = { from: [{ source: { namespaces: ['admin'] } }] };

  it('allows only what the rule matches, with the peer of the request', () => {
    expect(outcome(e.authorize(req('GET', '/x', {}, 'admin'), admins))).toBe('allow');
    const denied = e.authorize(req('GET', '/x', {}, 'shop'), admins);
    expect(outcome(denied)).toBe('403 ACCESS_DENIED');
    expect(denied.authz?.id).toBeUndefined();
  });

  it('refuses ambiguous requests even without policies', () => {
    expect(outcome(e.authorize(req('GET', '/x/../admin', {}, 'admin'), admins))).toBe('400 AMBIGUOUS_PATH dot-segment');
  });

  it('reuses the decision the middleware made', () => {
    const first = decide(createMeshAuth({ requirePeer: true }), { ...req('GET', '/'), headers: { host: 'h' } });
    expect(e.authorize(req('GET', '/x', {}, 'admin'), admins, { decision: first })).toBe(first);
  });
});
