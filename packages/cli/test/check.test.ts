import { describe, expect, it } from '@jest/globals';
import { runCheck } from '../src/check.js';
import { fixture, outLines, run } from './helpers.js';

const SHOP = fixture('shop.yaml');
const frontend = { principal: 'cluster.local/ns/shop/sa/frontend' };
const req = (r: Record<string, unknown>): string => JSON.stringify(r);

describe('meshauth check: one request', () => {
  it('prints the deciding DENY rule and exits 1', async () => {
    const r = await run(runCheck, ['-f', SHOP, '-n', 'shop', '-l', 'app=orders', '--request', req({ path: '/admin', source: frontend, destination: { port: 8080 } })]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      [
        'workload: namespace shop, labels app=orders; 4 of 4 policies apply',
        '<inline>: GET /admin [peer cluster.local/ns/shop/sa/frontend]',
        '  denied by DENY ns[shop]-policy[deny-admin]-rule[0]',
        '  dry-run DENY: would not deny (no rule matched)',
        '',
      ].join('\n'),
    );
  });

  it('prints the allowing rule, dry-run and audit matches, and exits 0', async () => {
    const r = await run(runCheck, [
      '-f', SHOP, '-l', 'app=orders', '--request',
      req({ method: 'POST', path: '/api/orders', host: 'orders.shop', headers: { 'x-legacy-client': 'v1' }, source: frontend, destination: { port: 8080 } }),
    ]);
    expect(r.code).toBe(0);
    expect(outLines(r.out)).toEqual([
      'workload: namespace shop (from the policies), labels app=orders; 4 of 4 policies apply',
      '<inline>: POST orders.shop/api/orders [peer cluster.local/ns/shop/sa/frontend]',
      '  allowed by ALLOW ns[shop]-policy[allow-frontend]-rule[0]',
      '  dry-run DENY: would deny (ns[shop]-policy[deny-legacy]-rule[0])',
      '  audit: ns[istio-system]-policy[audit-writes]-rule[0]',
    ]);
  });

  it('explains default deny, and the absence of ALLOW policies', async () => {
    const denied = await run(runCheck, ['-f', SHOP, '-l', 'app=orders', '--request', req({ path: '/api/orders' })]);
    expect(denied.code).toBe(1);
    expect(outLines(denied.out)[2]).toBe('  denied: ALLOW policies apply and none of their rules matched');
    // Without app=orders the ALLOW policy does not select the workload.
    const open = await run(runCheck, ['-f', SHOP, '-n', 'shop', '--request', req({ path: '/api/orders' })]);
    expect(open.code).toBe(0);
    expect(outLines(open.out).slice(0, 3)).toEqual([
      'workload: namespace shop, labels (none); 3 of 4 policies apply',
      '<inline>: GET /api/orders',
      '  allowed: no ALLOW policy applies and no DENY rule matched',
    ]);
  });

  it('reads the request from a file or from stdin', async () => {
    const file = await run(runCheck, ['-f', SHOP, '--request', fixture('request-admin.json')]);
    expect(outLines(file.out)[1]).toBe('admin from frontend (request-admin.json): GET orders.shop/admin/users [peer cluster.local/ns/shop/sa/frontend]');
    expect(outLines(file.out)[4]).toBe('  expected deny: ok');
    expect(file.code).toBe(0);
    const stdin = await run(runCheck, ['-f', SHOP, '--request', '-'], `{\n  "path": "/admin"\n}\n`);
    expect(outLines(stdin.out)[1]).toBe('<stdin>: GET /admin');
  });

  it('reports CUSTOM providers, and decides with --assume-custom', async () => {
    const args = ['-f', fixture('custom.yaml'), '--request', req({ path: '/payments/1', destination: { port: 8080 } })];
    const pending = await run(runCheck, args);
    expect(pending.code).toBe(1);
    expect(outLines(pending.out).slice(2)).toEqual([
      '  denied until CUSTOM provider "opa" (ns[shop]-policy[ext-authz]-rule[0]) allows (see --assume-custom)',
      '  if allowed by the provider: allowed by ALLOW ns[shop]-policy[allow-payments]-rule[0]',
    ]);
    const allow = await run(runCheck, [...args, '--assume-custom', 'allow']);
    expect(allow.code).toBe(0);
    expect(outLines(allow.out).slice(2)).toEqual([
      '  CUSTOM provider "opa" (ns[shop]-policy[ext-authz]-rule[0]) assumed to allow',
      '  allowed by ALLOW ns[shop]-policy[allow-payments]-rule[0]',
    ]);
    const deny = await run(runCheck, [...args, '--assume-custom', 'deny']);
    expect(deny.code).toBe(1);
    expect(outLines(deny.out)[2]).toBe('  denied by CUSTOM provider "opa" (ns[shop]-policy[ext-authz]-rule[0]) (assumed to deny)');
    const unknown = await run(runCheck, [...args, '--extension-provider', 'authz']);
    expect(outLines(unknown.out)[2]).toBe(
      '  denied by DENY ns[shop]-policy[ext-authz]-rule[0]-deny-due-to-bad-CUSTOM-action (the CUSTOM policy fails closed: provider "opa" is not one of the extensionProviders)',
    );
  });

  it('prints one JSON object per request with --json', async () => {
    const r = await run(runCheck, ['-f', SHOP, '-l', 'app=orders', '--json', '--request', req({ name: 'n', path: '/admin', destination: { port: 8080 }, expect: 'deny' })]);
    expect(r.code).toBe(0);
    expect(r.out.endsWith('\n')).toBe(true);
    expect(JSON.parse(r.out)).toEqual({
      request: 1,
      name: 'n',
      allowed: false,
      action: 'DENY',
      policy: 'shop/deny-admin',
      rule: 0,
      id: 'ns[shop]-policy[deny-admin]-rule[0]',
      reason: 'RBAC: access denied',
      custom: [],
      afterCustom: null,
      dryRun: [{ action: 'DENY', matched: null, wouldAllow: true }],
      audit: null,
      expect: 'deny',
      pass: true,
    });
    const custom = await run(runCheck, ['-f', fixture('custom.yaml'), '--json', '--assume-custom', 'allow', '--request', req({ path: '/payments/1', destination: { port: 8080 } })]);
    expect(JSON.parse(custom.out)).toMatchObject({
      allowed: true,
      action: 'ALLOW',
      id: 'ns[shop]-policy[allow-payments]-rule[0]',
      custom: [{ provider: 'opa', policy: 'shop/ext-authz', rule: 0, id: 'ns[shop]-policy[ext-authz]-rule[0]' }],
      assumedCustom: 'allow',
    });
  });
});

describe('meshauth check: JSON Lines', () => {
  it('decides every valid line, reports bad lines with their number, and exits 2', async () => {
    const r = await run(runCheck, ['-f', SHOP, '-l', 'app=orders', '--requests', fixture('requests.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      [
        'error: requests.jsonl:4: source.principl: unknown field (did you mean "principal"?)',
        `error: requests.jsonl:6: invalid JSON: ${jsonError('not json')}`,
        '',
      ].join('\n'),
    );
    expect(outLines(r.out)).toEqual([
      'workload: namespace shop (from the policies), labels app=orders; 4 of 4 policies apply',
      'frontend reads orders (requests.jsonl:1): GET orders.shop/api/orders [peer cluster.local/ns/shop/sa/frontend]',
      '  allowed by ALLOW ns[shop]-policy[allow-frontend]-rule[0]',
      '  dry-run DENY: would not deny (no rule matched)',
      '  expected allow: ok',
      'admin is denied (requests.jsonl:2): GET /admin/users [peer cluster.local/ns/shop/sa/frontend]',
      '  denied by DENY ns[shop]-policy[deny-admin]-rule[0]',
      '  dry-run DENY: would not deny (no rule matched)',
      '  expected deny: ok',
      'legacy client (requests.jsonl:5): POST /api/orders [peer cluster.local/ns/shop/sa/frontend]',
      '  allowed by ALLOW ns[shop]-policy[allow-frontend]-rule[0]',
      '  dry-run DENY: would deny (ns[shop]-policy[deny-legacy]-rule[0])',
      '  audit: ns[istio-system]-policy[audit-writes]-rule[0]',
      'prometheus (requests.jsonl:7): GET /metrics [peer cluster.local/ns/monitoring/sa/prometheus]',
      '  allowed by ALLOW ns[shop]-policy[allow-frontend]-rule[1]',
      '  dry-run DENY: would not deny (no rule matched)',
      '6 requests: 3 allowed, 1 denied, 2 invalid',
    ]);
  });

  it('lets expectations decide the exit code', async () => {
    const lines = [req({ path: '/admin', destination: { port: 8080 }, expect: 'deny' }), req({ path: '/api/x', source: frontend, expect: 'allow' })].join('\n');
    const ok = await run(runCheck, ['-f', SHOP, '-l', 'app=orders', '-'], lines);
    expect(ok.code).toBe(0);
    expect(outLines(ok.out).at(-1)).toBe('2 requests: 1 allowed, 1 denied');
    const failing = await run(runCheck, ['-f', SHOP, '-l', 'app=orders', '--requests', '-'], req({ path: '/api/x', expect: 'allow' }));
    expect(failing.code).toBe(1);
    expect(outLines(failing.out).slice(-2)).toEqual(['  expected allow, got deny: FAIL', '1 request: 0 allowed, 1 denied, 1 failed expectation']);
  });

  it('treats an empty batch as an error', async () => {
    expect(await run(runCheck, ['-f', SHOP, '-'], '\n\n')).toEqual({ code: 2, out: '', err: 'error: <stdin>: no request found\n' });
  });

  it('prints JSON Lines with line numbers', async () => {
    const r = await run(runCheck, ['-f', SHOP, '-n', 'shop', '--json', '-'], `\n${req({ path: '/admin', destination: { port: 8080 } })}\n${req({ path: '/x' })}\n`);
    expect(r.code).toBe(1);
    expect(outLines(r.out).map((l) => JSON.parse(l) as Record<string, unknown>).map((o) => [o['request'], o['line'], o['allowed'], o['id']])).toEqual([
      [1, 2, false, 'ns[shop]-policy[deny-admin]-rule[0]'],
      [2, 3, true, null],
    ]);
  });
});

describe('meshauth check: loading and scoping', () => {
  it('reads directories, scopes by namespace and labels, and puts namespace-less manifests in --namespace', async () => {
    const sleep = { principal: 'cluster.local/ns/default/sa/sleep' };
    const google = { principal: 'https://accounts.google.com/103' };
    const dir = fixture('istio-docs');
    const r = await run(runCheck, ['-f', dir, '-n', 'foo', '-l', 'app=httpbin', '--json', '-'], [
      req({ path: '/info/x', source: sleep, auth: google }),
      req({ path: '/info/x', source: sleep }),
      req({ method: 'POST', path: '/data', source: { principal: 'cluster.local/ns/test/sa/any' }, auth: google }),
      req({ method: 'POST', path: '/data', source: { principal: 'cluster.local/ns/dev/sa/any' }, auth: google }),
      req({ path: '/headers', source: sleep, auth: google }),
    ].join('\n'));
    const decisions = outLines(r.out).map((l) => JSON.parse(l) as { allowed: boolean; id: string | null; dryRun: unknown[] });
    expect(decisions.map((d) => [d.allowed, d.id])).toEqual([
      [true, 'ns[foo]-policy[httpbin]-rule[0]'],
      [false, null],
      [true, 'ns[foo]-policy[httpbin]-rule[0]'],
      [false, 'ns[foo]-policy[httpbin-deny-dev-post]-rule[0]'],
      [false, null],
    ]);
    // The reference's dry-run example has no namespace: with -n foo it lands in foo and selects app=httpbin.
    expect(decisions[4]?.dryRun).toEqual([{ action: 'DENY', matched: { policy: 'foo/dry-run-example', rule: 0, id: 'ns[foo]-policy[dry-run-example]-rule[0]' }, wouldAllow: false }]);
    // version=v1 brings in the root namespace's allow-nothing: still allowed by httpbin's rule.
    const v1 = await run(runCheck, ['-f', dir, '-n', 'foo', '-l', 'app=httpbin,version=v1', '--request', req({ path: '/info', source: sleep, auth: google })]);
    expect(outLines(v1.out)[0]).toBe('workload: namespace foo, labels app=httpbin,version=v1; 4 of 6 policies apply');
  });

  it('reads List objects (kubectl get -o yaml)', async () => {
    const r = await run(runCheck, ['-f', fixture('list.yaml'), '--request', req({ path: '/invoices/7', destination: { port: 8080 } })]);
    expect(outLines(r.out).slice(0, 3)).toEqual([
      'workload: namespace billing (from the policies), labels (none); 2 of 2 policies apply',
      '<inline>: GET /invoices/7',
      '  denied by DENY ns[billing]-policy[require-jwt]-rule[0]',
    ]);
    const jwt = { principal: 'https://idp.example.com/alice', claims: { groups: ['billing-readers'] } };
    const ok = await run(runCheck, ['-f', fixture('list.yaml'), '--request', req({ path: '/invoices/7', destination: { port: 8080 }, auth: jwt })]);
    expect(outLines(ok.out)[2]).toBe('  allowed by ALLOW ns[billing]-policy[invoices-readers]-rule[0]');
  });

  it('reads policies from stdin with -f -', async () => {
    const yaml = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny-all, namespace: x}\nspec: {action: DENY, rules: [{}]}\n';
    const r = await run(runCheck, ['-f', '-', '--request', '{}'], yaml);
    expect(r.code).toBe(1);
    expect(outLines(r.out)[2]).toBe('  denied by DENY ns[x]-policy[deny-all]-rule[0]');
  });

  it('prints load errors one per line with file, document, policy and field, and exits 2', async () => {
    const r = await run(runCheck, ['-f', fixture('invalid.yaml'), '-f', fixture('missing.yaml'), '--request', '{}']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      [
        'error: invalid.yaml#0 shop/typo: spec.rules[0].to[0].operation.path: unknown field',
        'error: invalid.yaml#0 shop/typo: spec.rules[0].to[0].operation: `to.operation` must not be empty',
        'error: invalid.yaml#1 shop/bad-port: spec.rules[0].to[0].operation.ports[0]: bad port (http): must be an integer in 0..65535',
        'error: missing.yaml: cannot read: ENOENT',
        '',
      ].join('\n'),
    );
  });

  it('prints load warnings with their code on stderr', async () => {
    const r = await run(runCheck, ['-f', fixture('lint-mistakes.yaml'), '--request', '{}']);
    expect(outLines(r.err)).toEqual([
      'warning MA015: lint-mistakes.yaml#2 shop/annotations-and-keys: spec.selector: workload selector specified without labels',
      'warning MA016: lint-mistakes.yaml#2 shop/annotations-and-keys: spec.rules[0].when[0].key: expecting format [<NAME>] after request.headers in request.headersX[x-env]; Istio cannot build this condition (ALLOW rule dropped, DENY/AUDIT condition ignored)',
      'warning MA014: lint-mistakes.yaml#2 shop/annotations-and-keys: metadata.annotations.istio.io/dry-run: "yes" is not a Go strconv.ParseBool value; istiod logs an error and enforces the policy',
    ]);
  });
});

describe('meshauth check: usage errors exit 2', () => {
  const cases: [string[], string][] = [
    [['-f', SHOP], 'no request: give --request <file|json>, --requests <file.jsonl> or - (JSON Lines on stdin)'],
    [['-f', SHOP, '--request', '{}', '-'], 'give only one of --request, --requests and -'],
    [['--request', '{}'], 'no policies: give -f <file|dir> (repeatable, - for stdin)'],
    [['-f', SHOP, '--request', '{}', 'extra.yaml'], 'unexpected argument "extra.yaml" (policy files go after -f)'],
    [['-f', SHOP, '--request', '{}', '--bogus'], "Unknown option '--bogus'"],
    [['-f', SHOP, '--request', '{}', '--labels', 'app'], '--labels: "app" is not key=value'],
    [['-f', SHOP, '--request', '{}', '--assume-custom', 'maybe'], '--assume-custom must be "allow" or "deny", found "maybe"'],
    [['-f', '-', '-'], 'stdin cannot hold both the policies (-f -) and the requests'],
    [['-f', SHOP, '--requests', fixture('missing.jsonl')], 'cannot read missing.jsonl: ENOENT'],
    [['-f', SHOP, '-f', fixture('list.yaml'), '--request', '{}'], 'the policies are in several namespaces (billing, shop): choose the workload\'s with --namespace'],
  ];
  it.each(cases)('%j', async (argv, message) => {
    const r = await run(runCheck, argv);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`meshauth check: ${message}\nRun "meshauth check --help" for usage.\n`);
  });

  it('prints help', async () => {
    const r = await run(runCheck, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^meshauth check: decide requests against AuthorizationPolicy manifests\n/);
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}
