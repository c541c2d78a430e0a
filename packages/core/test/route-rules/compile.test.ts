import { describe, expect, it } from '@jest/globals';
import { evaluatePolicies, PolicyInvalidError } from '../../src/policy/index.js';
import { compileRouteRules, routeRulesOf, RouteRules } from '../../src/route-rules/index.js';

const peer = (ns: string) => ({ principal: `cluster.local/ns/${ns}/sa/x` });
const request = (ns: string, method = 'GET') => ({ method, path: '/orders/1', host: 'h', headers: {}, peer: peer(ns) });

describe('compileRouteRules', () => {
  it('compiles ALLOW rules with the policy compiler', () => {
    const rules = compileRouteRules({ from: [{ source: { namespaces: ['admin'] } }] }, { name: 'admins', namespace: 'shop' });
    expect(evaluatePolicies(rules.snapshot, request('admin'))).toMatchObject({ allowed: true, id: 'ns[shop]-policy[admins]-rule[0]' });
    expect(evaluatePolicies(rules.snapshot, request('web')).allowed).toBe(false);
  });

  it('compiles DENY rules and lists of rules', () => {
    const rules = compileRouteRules([{ to: [{ operation: { methods: ['DELETE'] } }] }, { from: [{ source: { namespaces: ['web'] } }] }], { action: 'DENY' });
    expect(evaluatePolicies(rules.snapshot, request('shop', 'DELETE')).allowed).toBe(false);
    expect(evaluatePolicies(rules.snapshot, request('web')).allowed).toBe(false);
    expect(evaluatePolicies(rules.snapshot, request('shop')).allowed).toBe(true);
  });

  it('rejects invalid rules with the policy compiler error, naming the field', () => {
    expect(() => compileRouteRules({ from: [{ source: { ipBlocks: ['10.0.0.0/40'] } }] })).toThrow(PolicyInvalidError);
    expect(() => compileRouteRules({ to: [{ operation: { paths: [''] } }] })).toThrow(/paths/);
  });

  it('compiles a rule literal once', () => {
    const rule = { from: [{ source: { namespaces: ['admin'] } }] };
    const a = routeRulesOf(rule);
    expect(a).toBeInstanceOf(RouteRules);
    expect(routeRulesOf(rule)).toBe(a);
    expect(routeRulesOf(a)).toBe(a);
  });
});
