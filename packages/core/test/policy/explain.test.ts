import { describe, expect, it } from '@jest/globals';
import { evaluatePolicies, explainPolicies } from '../../src/policy/index.js';
import { peer, policy, req, snap } from './helpers.js';

describe('explainPolicies', () => {
  const s = snap([
    policy('deny-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] }),
    policy('allow-frontend', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend'] } }], to: [{ operation: { methods: ['GET'] } }] }] }),
    policy('allow-nothing', {}),
    policy('gw', { action: 'DENY', rules: [{}], targetRefs: [{ kind: 'Gateway', name: 'web' }] }),
    policy('other', { action: 'DENY', rules: [{}] }, 'billing'),
  ]);

  it('gives the same decision as evaluatePolicies, with a trace of every policy and rule in scope', () => {
    const r = req({ method: 'POST', peer: peer('cluster.local/ns/shop/sa/frontend') });
    const e = explainPolicies(s, r);
    const { trace, skipped, ...decision } = e;
    expect(decision).toEqual({ ...evaluatePolicies(s, r) });
    expect(trace.map((p) => [p.policy, p.matched])).toEqual([['shop/deny-admin', false], ['shop/allow-frontend', false], ['shop/allow-nothing', false]]);
    const rule = trace[1]?.rules[0];
    expect(rule?.fields).toEqual([
      { field: 'from[0].source.principals', matched: true, saw: 'peer principal "cluster.local/ns/shop/sa/frontend"', values: ['cluster.local/ns/shop/sa/frontend'], notValues: [] },
      { field: 'to[0].operation.methods', matched: false, saw: 'method "POST"', values: ['GET'], notValues: [] },
    ]);
    expect(trace[2]?.note).toMatch(/default deny/);
    expect(skipped.map((x) => x.policy)).toEqual(['shop/gw', 'billing/other']);
  });

  it('explains missing attributes and dropped rules', () => {
    const t = snap([policy('p', { rules: [{ from: [{ source: { namespaces: ['shop'] } }], when: [{ key: 'request.headersX[a]', values: ['b'] }] }] })]);
    const e = explainPolicies(t, req());
    expect(e.trace[0]?.rules[0]?.fields[0]).toMatchObject({ matched: false, saw: 'no mTLS peer identity' });
    expect(e.trace[0]?.rules[0]?.dropped).toMatch(/request\.headersX\[a\]/);
  });
});
