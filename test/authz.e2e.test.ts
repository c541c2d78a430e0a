/**
 * AuthorizationPolicy enforced in each framework from the same YAML the cluster gets: the same
 * requests get the same decisions everywhere. Identities arrive as Istio's sidecar sends them
 * (XFCC from 127.0.0.6).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { Decision } from '@meshauth/core';
import { istioSidecarXfcc, sendRequest, type Listening } from '@meshauth/testkit';
import { FRAMEWORKS, startApp } from './support/apps.js';

const POLICIES = fileURLToPath(new URL('./fixtures/policies', import.meta.url));
const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
const FRONTEND = 'spiffe://cluster.local/ns/shop/sa/frontend';
const BILLING = 'spiffe://cluster.local/ns/billing/sa/worker';
const OUTSIDER = 'spiffe://cluster.local/ns/web/sa/portal';

const cases = [
  // [what, caller, method, path, status, deciding rule id or undefined]
  ['frontend reads an order', FRONTEND, 'GET', '/orders/42', 200, 'ns[shop]-policy[orders-readers]-rule[0]'],
  ['frontend reads the list', FRONTEND, 'GET', '/orders', 200, 'ns[shop]-policy[orders-readers]-rule[0]'],
  ['frontend cannot write', FRONTEND, 'POST', '/orders/42/refund', 403, undefined],
  ['billing refunds (path template {*})', BILLING, 'POST', '/orders/42/refund', 200, 'ns[shop]-policy[orders-readers]-rule[1]'],
  ['billing refund template does not span segments', BILLING, 'POST', '/orders/4/2/refund', 403, undefined],
  ['no identity reaches /healthz', undefined, 'GET', '/healthz', 200, 'ns[shop]-policy[orders-readers]-rule[2]'],
  ['no identity cannot read orders', undefined, 'GET', '/orders/42', 403, undefined],
  ['outsider denied /admin by DENY', OUTSIDER, 'GET', '/admin/users', 403, 'ns[shop]-policy[deny-admin-from-outside]-rule[0]'],
  // notNamespaces: a request without a peer has no namespace, so the negative matcher is true
  // (authorization-policy.md 4: a missing attribute makes negative matchers true).
  ['anonymous denied /admin by DENY', undefined, 'GET', '/admin', 403, 'ns[shop]-policy[deny-admin-from-outside]-rule[0]'],
  ['query strings are not part of the path', FRONTEND, 'GET', '/orders/42?verbose=1', 200, 'ns[shop]-policy[orders-readers]-rule[0]'],
] as const;

describe.each(FRAMEWORKS)('AuthorizationPolicy on %s', (framework) => {
  const decisions: Decision[] = [];
  let server: Listening;
  let json: Listening;
  beforeAll(async () => {
    const base = { policies: POLICIES, workload: { namespace: 'shop', labels: { app: 'orders' } } };
    server = await startApp(framework, { ...base, onDecision: (d) => void decisions.push(d) }, undefined, ['/orders', '/orders/:id', '/orders/:a/:b/refund', '/orders/:id/refund', '/healthz', '/admin', '/admin/users']);
    json = await startApp(framework, { ...base, accessDeniedBody: 'json' }, undefined, ['/orders/:id']);
  });
  afterAll(async () => {
    await server.close();
    await json.close();
  });

  it.each(cases)('%s', async (_what, caller, method, path, status, rule) => {
    decisions.length = 0;
    const headers = caller === undefined ? undefined : { 'x-forwarded-client-cert': istioSidecarXfcc({ by: APP_ID, uri: caller }) };
    const res = await sendRequest(`${server.url}${path}`, { method, localAddress: '127.0.0.6', ...(headers ? { headers } : {}) });
    expect(res.status).toBe(status);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.authz?.id).toBe(rule);
    if (status === 403) {
      // Envoy's RBAC filter answers exactly this, and names no policy.
      expect(res.body).toBe('RBAC: access denied');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(decisions[0]?.code).toBe('ACCESS_DENIED');
    } else {
      expect(res.json()).toMatchObject({ path: path.split('?')[0] });
    }
  });

  it('reports the dry-run policy without enforcing it', async () => {
    decisions.length = 0;
    const headers = { 'x-forwarded-client-cert': istioSidecarXfcc({ by: APP_ID, uri: BILLING }) };
    const res = await sendRequest(`${server.url}/orders/42/refund`, { method: 'POST', localAddress: '127.0.0.6', headers });
    expect(res.status).toBe(200);
    expect(decisions[0]?.authz?.dryRun).toEqual([
      { action: 'DENY', matched: { policy: 'shop/audit-refunds', rule: 0, id: 'ns[shop]-policy[audit-refunds]-rule[0]' }, wouldAllow: false },
    ]);
  });

  it('answers policy denials as JSON when asked to', async () => {
    const res = await sendRequest(`${json.url}/orders/42`, { localAddress: '127.0.0.6' });
    expect(res.status).toBe(403);
    expect(res.json()).toEqual({ error: 'RBAC: access denied', code: 'ACCESS_DENIED' });
  });
});

describe('policy loading at construction', () => {
  it('refuses to start with an invalid policy, naming file, document and field', async () => {
    await expect(startApp('express5', { policies: { text: 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x, namespace: shop}\nspec: {action: DENY}\n', file: 'bad.yaml' }, workload: { namespace: 'shop' } })).rejects.toThrow(
      /"policies" option could not be loaded: 1 problem[^]*bad\.yaml#0 shop\/x: spec\.rules: DENY action without `rules`/,
    );
  });

  it('needs the workload namespace to scope policies', async () => {
    const saved = process.env['POD_NAMESPACE'];
    delete process.env['POD_NAMESPACE'];
    await expect(startApp('koa', { policies: POLICIES })).rejects.toThrow(/"workload.namespace" option is required/);
    if (saved !== undefined) process.env['POD_NAMESPACE'] = saved;
  });
});
