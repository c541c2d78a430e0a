import { describe, expect, it } from '@jest/globals';
import { runExplain } from '../src/check.js';
import { fixture, outLines, run } from './helpers.js';

const frontend = { principal: 'cluster.local/ns/shop/sa/frontend' };

describe('meshauth explain', () => {
  it('prints the decision, then every policy, rule and field, and the policies not in scope', async () => {
    const r = await run(runExplain, [
      '-f', fixture('shop.yaml'), '-f', fixture('istio-docs/deny-dev-post.yaml'), '-n', 'shop', '-l', 'app=orders',
      '--request', JSON.stringify({ method: 'DELETE', path: '/api/orders/7', source: frontend, destination: { port: 8080 } }),
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      [
        'workload: namespace shop, labels app=orders; 4 of 5 policies apply',
        '<inline>: DELETE /api/orders/7 [peer cluster.local/ns/shop/sa/frontend]',
        '  denied: ALLOW policies apply and none of their rules matched',
        '  dry-run DENY: would not deny (no rule matched)',
        '  audit: ns[istio-system]-policy[audit-writes]-rule[0]',
        '  trace:',
        '    shop/deny-admin (DENY): no match',
        '      rule[0] ns[shop]-policy[deny-admin]-rule[0]: no match',
        '        [-] to[0].operation.paths: path "/api/orders/7"; values ["/admin","/admin/*"]',
        '        [+] to[0].operation.ports: destination port 8080; values ["8080"]',
        '    shop/allow-frontend (ALLOW): no match',
        '      rule[0] ns[shop]-policy[allow-frontend]-rule[0]: no match',
        '        [+] from[0].source.principals: peer principal "cluster.local/ns/shop/sa/frontend"; values ["cluster.local/ns/shop/sa/frontend"]',
        '        [-] to[0].operation.methods: method "DELETE"; values ["GET","POST"]',
        '        [+] to[0].operation.paths: path "/api/orders/7"; values ["/api/*"]',
        '      rule[1] ns[shop]-policy[allow-frontend]-rule[1]: no match',
        '        [-] from[0].source.namespaces: peer principal "cluster.local/ns/shop/sa/frontend"; values ["monitoring"]',
        '        [-] to[0].operation.methods: method "DELETE"; values ["GET"]',
        '        [-] to[0].operation.paths: path "/api/orders/7"; values ["/metrics"]',
        '    istio-system/audit-writes (AUDIT): matched',
        '      note: AUDIT marks requests for auditing, never decides',
        '      rule[0] ns[istio-system]-policy[audit-writes]-rule[0]: matched',
        '        [+] to[0].operation.methods: method "DELETE"; values ["POST","PUT","DELETE"]',
        '        [+] to[0].operation.ports: destination port 8080; values ["8080"]',
        '    shop/deny-legacy (DENY, dry-run): no match',
        '      note: dry-run (istio.io/dry-run): evaluated and reported, not enforced',
        '      rule[0] ns[shop]-policy[deny-legacy]-rule[0]: no match',
        '        [+] to[0].operation.ports: destination port 8080; values ["8080"]',
        '        [-] when[0]: no x-legacy-client header; values ["*"]',
        '  not in scope:',
        '    foo/httpbin-deny-dev-post: namespace foo is neither the workload namespace shop nor the root namespace istio-system',
        '',
      ].join('\n'),
    );
  });

  it('shows empty rules, policies without rules and dropped rules', async () => {
    const yaml = [
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-all, namespace: x}\nspec: {rules: [{}]}',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-nothing, namespace: x}\nspec: {}',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: typo, namespace: x}\nspec: {rules: [{when: [{key: "request.headersX[a]", values: ["b"]}]}]}',
    ].join('\n---\n');
    const r = await run(runExplain, ['-f', '-', '--request', '{}'], yaml);
    expect(r.code).toBe(0);
    expect(outLines(r.out).slice(2)).toEqual([
      '  allowed by ALLOW ns[x]-policy[allow-all]-rule[0]',
      '  trace:',
      '    x/allow-all (ALLOW): matched',
      '      rule[0] ns[x]-policy[allow-all]-rule[0]: matched (an empty rule matches every request)',
      '    x/allow-nothing (ALLOW): no match',
      '      note: no rules: matches nothing, but its presence turns on default deny',
      '    x/typo (ALLOW): no match',
      '      rule[0] ns[x]-policy[typo]-rule[0]: dropped',
      '        dropped: when[0] (request.headersX[a]): expecting format [<NAME>] after request.headers in request.headersX[a]',
    ]);
  });

  it('adds the trace and the skipped policies to each JSON line', async () => {
    const r = await run(runExplain, ['-f', fixture('istio-docs'), '-n', 'foo', '--json', '--request', '{"method":"POST","path":"/data"}']);
    expect(r.code).toBe(1);
    const e = JSON.parse(r.out) as { allowed: boolean; trace: { policy: string; matched: boolean }[]; skipped: { policy: string }[] };
    expect(e.allowed).toBe(false);
    expect(e.trace.map((p) => [p.policy, p.matched])).toEqual([
      ['foo/httpbin-deny-dev-post', false],
      ['foo/httpbin', false],
    ]);
    expect(e.skipped.map((s) => s.policy)).toEqual(['foo/dry-run-example', 'bar/allow-nothing', 'istio-system/allow-nothing', 'ns1/anyname']);
  });
});
