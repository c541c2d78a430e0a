import { describe, expect, it } from '@jest/globals';
import { parsePolicies } from '@meshauth/core';
import { LINT_CODES } from '../src/lint/codes.js';
import { runLint } from '../src/lint/command.js';
import { lintPolicy } from '../src/lint/rules.js';
import { fixture, outLines, run } from './helpers.js';

/** Lints one policy given by its spec; returns `code field` pairs. */
function codes(spec: Record<string, unknown>, tcp = false): string[] {
  const [p] = parsePolicies({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'shop' }, spec });
  if (!p) throw new Error('no policy');
  return lintPolicy(p, { tcp }).map((f) => `${f.code} ${f.field}`);
}

const op = (operation: Record<string, unknown>, action = 'ALLOW') => ({ action, rules: [{ to: [{ operation }] }] });
const src = (source: Record<string, unknown>, action = 'ALLOW') => ({ action, rules: [{ from: [{ source }] }] });

describe('meshauth lint', () => {
  it('reports each mistake with its code, location and fix, and exits 1', async () => {
    const r = await run(runLint, ['-f', fixture('lint-mistakes.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const lines = outLines(r.out);
    expect(lines.filter((l) => l.startsWith('warning')).map((l) => l.replace(/^warning (MA\d+): lint-mistakes\.yaml#(\d) ([^:]+): ([^:]+): .*$/, '$1 #$2 $3 $4'))).toEqual([
      'MA001 #0 shop/allow-mistakes spec.rules[0].from[0].source.principals[0]',
      'MA002 #0 shop/allow-mistakes spec.rules[0].from[0].source.principals[1]',
      'MA001 #0 shop/allow-mistakes spec.rules[0].from[0].source.principals[2]',
      'MA007 #0 shop/allow-mistakes spec.rules[0].to[0].operation.hosts[0]',
      'MA007 #0 shop/allow-mistakes spec.rules[0].to[0].operation.hosts[1]',
      'MA008 #0 shop/allow-mistakes spec.rules[0].to[0].operation.methods[0]',
      'MA009 #0 shop/allow-mistakes spec.rules[0].to[0].operation.paths[0]',
      'MA010 #0 shop/allow-mistakes spec.rules[0].to[0].operation.paths[1]',
      'MA011 #0 shop/allow-mistakes spec.rules[0].to[0].operation.paths[2]',
      'MA005 #0 shop/allow-mistakes spec.rules[1].from[0].source.ipBlocks',
      'MA013 #0 shop/allow-mistakes spec.rules[1].from[0].source',
      'MA003 #0 shop/allow-mistakes spec.rules[2].to[0].operation.notPaths',
      'MA012 #1 shop/deny-mistakes spec.rules[0].to[0].operation.paths[0]',
      'MA004 #1 shop/deny-mistakes spec.rules[0]',
      'MA006 #1 shop/deny-mistakes spec.rules[1]',
      'MA015 #2 shop/annotations-and-keys spec.selector',
      'MA016 #2 shop/annotations-and-keys spec.rules[0].when[0].key',
      'MA014 #2 shop/annotations-and-keys metadata.annotations.istio.io/dry-run',
      'MA010 #2 shop/annotations-and-keys spec.rules[0].when[1].values[0]',
      'MA004 #3 shop/ext-authz-everything spec.rules[0]',
    ]);
    // Every warning line is followed by its fix.
    lines.slice(0, -1).forEach((l, i) => expect(l.startsWith(i % 2 === 0 ? 'warning MA' : '  fix: ')).toBe(true));
    expect(lines.at(-1)).toBe('20 warnings in 4 policies (1 file)');
  });

  it('prints exact messages for the key cases', async () => {
    const r = await run(runLint, ['-f', fixture('lint-mistakes.yaml'), '--json']);
    const findings = outLines(r.out).map((l) => JSON.parse(l) as Record<string, unknown>);
    const by = (field: string) => findings.find((f) => f['field'] === field);
    expect(by('spec.rules[0].from[0].source.principals[0]')).toEqual({
      severity: 'warning',
      code: 'MA001',
      file: 'lint-mistakes.yaml',
      document: 0,
      policy: 'shop/allow-mistakes',
      field: 'spec.rules[0].from[0].source.principals[0]',
      message: '"admin" never matches: Istio compares "spiffe://admin", and workload identities have a path (<trust-domain>/ns/<namespace>/sa/<service-account>)',
      hint: 'write the full principal, e.g. "cluster.local/ns/<namespace>/sa/admin"',
    });
    expect(by('spec.rules[0].from[0].source.principals[1]')).toMatchObject({
      message: '"spiffe://cluster.local/ns/shop/sa/frontend" never matches: Istio compares "spiffe://" + value, so this becomes "spiffe://spiffe://cluster.local/ns/shop/sa/frontend"',
      hint: 'write "cluster.local/ns/shop/sa/frontend"',
    });
    expect(by('spec.rules[0].to[0].operation.methods[0]')).toMatchObject({ message: '"get" never matches: methods are compared case-sensitively and requests carry upper-case methods', hint: 'write "GET"' });
    expect(by('spec.rules[0].to[0].operation.hosts[0]')).toMatchObject({ hint: 'add "orders.shop:*"' });
    expect(by('spec.rules[2].to[0].operation.notPaths')).toMatchObject({
      code: 'MA003',
      message: 'requests to "/healthz" are not allowed by this rule, neither denied nor exempted: they are denied unless another ALLOW rule matches them, and allowed if one does',
    });
    expect(findings.filter((f) => f['code'] === 'MA004').map((f) => f['message'])).toEqual([
      "on TCP ports Istio cannot evaluate paths and ignores them: the rule then matches all TCP traffic in the policy's scope, and denies it",
      "on TCP ports Istio cannot evaluate paths and ignores them: the rule then matches all TCP traffic in the policy's scope, and sends it to the CUSTOM provider",
    ]);
    expect(by('spec.rules[1]')?.['message']).toBe(
      'this DENY rule has only negative matches (notPrincipals, notPaths, notPorts): it denies every request that is not listed, including requests that lack the attribute',
    );
  });

  it('is clean on well-formed policies: a multi-document file, a List, a directory', async () => {
    const r = await run(runLint, ['-f', fixture('shop.yaml'), '-f', fixture('list.yaml'), '-f', fixture('custom.yaml')]);
    expect(r.out).toBe('no problems in 8 policies (3 files)\n');
    expect(r.code).toBe(0);
    // Istio's own examples: the DENY examples trip istiod's TCP warning, the dry-run one also MA012.
    const docs = await run(runLint, ['-f', fixture('istio-docs'), '--json']);
    expect(outLines(docs.out).map((l) => JSON.parse(l) as { code: string; policy: string }).map((f) => `${f.code} ${f.policy}`)).toEqual([
      'MA004 foo/httpbin-deny-dev-post',
      'MA012 default/dry-run-example',
      'MA004 default/dry-run-example',
    ]);
  });

  it('skips ignored codes, and reports ALLOW rules TCP cannot use with --tcp', async () => {
    const ignored = await run(runLint, ['-f', fixture('istio-docs'), '--ignore', 'MA004,ma012']);
    expect(ignored).toEqual({ code: 0, out: 'no problems in 6 policies (4 files)\n', err: '' });
    const tcp = await run(runLint, ['-f', fixture('shop.yaml'), '--tcp']);
    expect(outLines(tcp.out)).toEqual([
      'warning MA018: shop.yaml#2 shop/allow-frontend: spec.rules[0]: on TCP ports Istio cannot build this rule (it uses methods, paths) and drops it: it allows no TCP traffic',
      `  fix: ${LINT_CODES.MA018.hint}`,
      'warning MA018: shop.yaml#2 shop/allow-frontend: spec.rules[1]: on TCP ports Istio cannot build this rule (it uses methods, paths) and drops it: it allows no TCP traffic',
      `  fix: ${LINT_CODES.MA018.hint}`,
      '2 warnings in 4 policies (1 file)',
    ]);
  });

  it('prints validation errors and exits 2 when the files do not load', async () => {
    const r = await run(runLint, ['-f', fixture('invalid.yaml')]);
    expect(r.code).toBe(2);
    expect(outLines(r.out)).toEqual([
      'error: invalid.yaml#0 shop/typo: spec.rules[0].to[0].operation.path: unknown field',
      'error: invalid.yaml#0 shop/typo: spec.rules[0].to[0].operation: `to.operation` must not be empty',
      'error: invalid.yaml#1 shop/bad-port: spec.rules[0].to[0].operation.ports[0]: bad port (http): must be an integer in 0..65535',
      '3 errors: the policies do not load',
    ]);
    const json = await run(runLint, ['-f', fixture('invalid.yaml'), '--json']);
    expect(JSON.parse(outLines(json.out)[2] ?? '')).toEqual({
      severity: 'error',
      file: 'invalid.yaml',
      document: 1,
      policy: 'shop/bad-port',
      field: 'spec.rules[0].to[0].operation.ports[0]',
      message: 'bad port (http): must be an integer in 0..65535',
    });
  });

  it('reads stdin and rejects bad usage', async () => {
    const yaml = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: m}\nspec: {rules: [{to: [{operation: {methods: [post]}}]}]}\n';
    const r = await run(runLint, ['-f', '-'], yaml);
    expect(outLines(r.out)[0]).toBe('warning MA008: <stdin>#0 default/m: spec.rules[0].to[0].operation.methods[0]: "post" never matches: methods are compared case-sensitively and requests carry upper-case methods');
    expect((await run(runLint, ['-f', '-', '--default-namespace', 'shop'], yaml)).out).toMatch(/<stdin>#0 shop\/m:/);
    expect((await run(runLint, ['-f', fixture('shop.yaml'), '--ignore', 'MA999'])).err).toBe('meshauth lint: --ignore: unknown lint code "MA999"\nRun "meshauth lint --help" for usage.\n');
    expect((await run(runLint, [])).code).toBe(2);
    expect((await run(runLint, ['shop.yaml'])).err).toMatch(/^meshauth lint: unexpected argument "shop.yaml"/);
    const help = await run(runLint, ['-h']);
    for (const code of Object.keys(LINT_CODES)) expect(help.out).toContain(`  ${code}  `);
  });
});

describe('lint checks', () => {
  it('MA001/MA002: principals and namespaces that never match, positive or negative', () => {
    expect(codes(src({ principals: ['cluster.local/ns/a/sa/b', 'td/custom/path', 'admin*', '*', '*/sa/x'] }))).toEqual([]);
    expect(codes(src({ notPrincipals: ['admin'], namespaces: ['spiffe://cluster.local/ns/a/sa/b'] }))).toEqual([
      'MA001 spec.rules[0].from[0].source.notPrincipals[0]',
      'MA002 spec.rules[0].from[0].source.namespaces[0]',
    ]);
    expect(codes({ rules: [{ when: [{ key: 'source.principal', values: ['SPIFFE://td/ns/a/sa/b'] }, { key: 'source.namespace', notValues: ['spiffe://x'] }] }] })).toEqual([
      'MA002 spec.rules[0].when[0].values[0]',
      'MA002 spec.rules[0].when[1].notValues[0]',
    ]);
  });

  it('MA004: only DENY and CUSTOM rules without ports, as istiod warns, and when-only rules too', () => {
    expect(codes(op({ methods: ['POST'], ports: ['8080'] }, 'DENY'))).toEqual([]);
    expect(codes({ action: 'DENY', rules: [{ when: [{ key: 'request.headers[x]', values: ['1'] }] }] })).toEqual(['MA004 spec.rules[0]']);
    expect(codes({ action: 'DENY', rules: [{ to: [{ operation: { paths: ['/a/*'] } }], when: [{ key: 'destination.port', values: ['8080'] }] }] })).toEqual([]);
    expect(codes(src({ namespaces: ['dev'] }, 'DENY'))).toEqual([]);
    expect(codes(op({ paths: ['/a/*'] }, 'AUDIT'))).toEqual([]);
  });

  it('MA006: DENY with only negative matches, but not presence checks', () => {
    expect(codes(src({ notRequestPrincipals: ['*'] }, 'DENY'))).toEqual(['MA004 spec.rules[0]']);
    expect(codes(src({ notNamespaces: ['shop'] }, 'DENY'))).toEqual(['MA006 spec.rules[0]']);
    expect(codes(src({ notNamespaces: ['shop'] }, 'ALLOW'))).toEqual(['MA013 spec.rules[0].from[0].source']);
    expect(codes({ action: 'DENY', rules: [{}] })).toEqual([]);
  });

  it('MA007: hosts with and without ports', () => {
    expect(codes(op({ hosts: ['a.example', 'a.example:*', 'b.example:8080', '*', '*.c.example:443'] }))).toEqual([]);
    expect(codes(op({ hosts: ['a.example', 'a.example:8080'] }))).toEqual([]);
    expect(codes(op({ notHosts: ['*.c.example', 'api*', 'a.example*'] }))).toEqual([
      'MA007 spec.rules[0].to[0].operation.notHosts[0]',
      'MA007 spec.rules[0].to[0].operation.notHosts[2]',
    ]);
  });

  it('MA010: literal stars where Istio has no wildcard, not in templates or namespaces', () => {
    expect(codes(op({ paths: ['/a/{*}/b', '/a/{**}', '*.js', '/api/*'] }))).toEqual([]);
    expect(codes(src({ namespaces: ['team-*-prod'] }))).toEqual([]);
    expect(codes(src({ requestPrincipals: ['*/*', 'iss/*'] }))).toEqual(['MA010 spec.rules[0].from[0].source.requestPrincipals[0]']);
    expect(codes({ rules: [{ when: [{ key: 'request.auth.claims[groups]', values: ['a*b'] }, { key: 'connection.sni', values: ['*.x.*'] }] }] })).toEqual([
      'MA010 spec.rules[0].when[0].values[0]',
      'MA010 spec.rules[0].when[1].values[0]',
    ]);
  });

  it('MA012: exact DENY paths without their prefix form', () => {
    expect(codes(op({ paths: ['/admin', '/admin/*'], ports: ['80'] }, 'DENY'))).toEqual([]);
    expect(codes(op({ paths: ['/admin', '/admin*', '/x/', '/y', '/y/{**}'], ports: ['80'] }, 'DENY'))).toEqual([]);
    expect(codes(op({ paths: ['/metrics'], ports: ['80'] }, 'DENY'))).toEqual(['MA012 spec.rules[0].to[0].operation.paths[0]']);
    expect(codes(op({ paths: ['/metrics'] }))).toEqual([]);
  });

  it('MA005 once per field or condition; MA013 not with a positive identity', () => {
    expect(codes({ rules: [{ when: [{ key: 'source.ip', values: ['10.0.0.0/8'], notValues: ['10.0.0.1'] }, { key: 'remote.ip', values: ['1.2.3.4'] }] }] })).toEqual([
      'MA005 spec.rules[0].when[0].key',
    ]);
    expect(codes(src({ notNamespaces: ['a'], principals: ['*'] }))).toEqual([]);
    expect(codes({ rules: [{ from: [{ source: { notNamespaces: ['a'] } }], when: [{ key: 'source.namespace', values: ['b'] }] }] })).toEqual([]);
  });

  it('MA018 only with --tcp, and only for ALLOW', () => {
    expect(codes(op({ methods: ['GET'] }), true)).toEqual(['MA018 spec.rules[0]']);
    expect(codes(op({ ports: ['5432'] }), true)).toEqual([]);
    expect(codes(op({ methods: ['GET'] }), false)).toEqual([]);
  });
});
