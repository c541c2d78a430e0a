import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { PolicyLoadError, formatIssue, loadPolicies, parsePolicies, type PolicyIssue } from '../../src/policy/index.js';

const header = (name: string, ns = 'shop') => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\n`;

function issuesOf(fn: () => unknown): PolicyIssue[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof PolicyLoadError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a PolicyLoadError');
}

function specIssues(spec: string): string[] {
  return issuesOf(() => parsePolicies(`${header('p')}spec:\n${spec}`)).map((i) => `${i.field}: ${i.message}`);
}

describe('manifest shapes (kubectl apply -f)', () => {
  it('reads multi-document YAML, skips other kinds and empty documents', () => {
    const text = `${header('a')}spec: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n---\n${header('b')}spec: {action: DENY, rules: [{}]}\n`;
    const ps = parsePolicies(text, { file: 'all.yaml' });
    expect(ps.map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(ps[1]?.origin).toEqual({ file: 'all.yaml', document: 3 });
  });
  it('reads List objects and typed lists', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [parsePolicies(`${header('a')}spec: {}`).map((p) => ({ apiVersion: p.apiVersion, kind: p.kind, metadata: p.metadata, spec: p.spec }))[0]] };
    expect(parsePolicies(list).map((p) => p.metadata.name)).toEqual(['a']);
    const typed = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicyList\nitems:\n- apiVersion: security.istio.io/v1beta1\n  kind: AuthorizationPolicy\n  metadata: {name: b, namespace: x}\n  spec: {}\n`;
    expect(parsePolicies(typed)[0]?.apiVersion).toBe('security.istio.io/v1beta1');
  });
  it('reads JSON text and arrays of objects; metadata.namespace defaults to defaultNamespace', () => {
    const json = JSON.stringify({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'j' }, spec: {} });
    expect(parsePolicies(json, { defaultNamespace: 'team' })[0]?.metadata.namespace).toBe('team');
    expect(parsePolicies(json)[0]?.metadata.namespace).toBe('default');
  });
  it('keeps status and ObjectMeta fields from `kubectl get -o yaml`', () => {
    const text = `${header('a')}  uid: 123\n  resourceVersion: "7"\nspec: {}\nstatus: {}\n`.replace('metadata: {name: a, namespace: shop}\n  uid', 'metadata:\n  name: a\n  namespace: shop\n  uid');
    expect(parsePolicies(text)).toHaveLength(1);
  });
  it('returns frozen policies', () => {
    const [p] = parsePolicies(`${header('a')}spec: {rules: [{}]}`);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p?.spec.rules)).toBe(true);
  });
  it('freezes every object and list of the policy, and leaves the input alone', () => {
    const input = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'a', namespace: 'shop', labels: { x: 'y' }, annotations: { 'istio.io/dry-run': 'false' } },
      spec: {
        selector: { matchLabels: { app: 'orders' } },
        action: 'DENY',
        rules: [
          {
            from: [{ source: { principals: ['td/ns/a/sa/b'], notIpBlocks: ['10.0.0.0/8'] } }],
            to: [{ operation: { methods: ['GET'], paths: ['/x', '/y/{*}'] } }],
            when: [{ key: 'request.headers[x-a]', values: ['1'], notValues: ['2'] }],
          },
        ],
      },
    };
    const [p] = parsePolicies(input);
    const unfrozen: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (typeof v !== 'object' || v === null) return;
      if (!Object.isFrozen(v)) unfrozen.push(path);
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(p, 'policy');
    expect(unfrozen).toEqual([]);
    expect(Object.isFrozen(input.spec.rules[0]?.to[0]?.operation.paths)).toBe(false);
  });
});

describe('loadPolicies: files, directories, URLs, text, objects', () => {
  it('reads a directory (sorted, *.yaml|*.yml|*.json, not recursive) and reports every problem at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshauth-policy-'));
    await writeFile(join(dir, 'b.yaml'), `${header('b')}spec: {}`);
    await writeFile(join(dir, 'a.yml'), `${header('a')}spec: {}`);
    await writeFile(join(dir, 'c.json'), JSON.stringify({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'c', namespace: 'shop' }, spec: {} }));
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'd.yaml'), `${header('d')}spec: {}`);
    const ps = await loadPolicies(dir);
    expect(ps.map((p) => p.metadata.name)).toEqual(['a', 'b', 'c']);
    expect((await loadPolicies(pathToFileURL(join(dir, 'b.yaml')))).map((p) => p.metadata.name)).toEqual(['b']);
    const mixed = await loadPolicies([join(dir, 'a.yml'), { text: `${header('t')}spec: {}`, file: 'inline.yaml' }, { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'o', namespace: 'shop' }, spec: {} }]);
    expect(mixed.map((p) => p.metadata.name)).toEqual(['a', 't', 'o']);

    await writeFile(join(dir, 'z.yaml'), `${header('bad')}spec: {action: NOPE}\n---\n${header('bad2')}spec: {rules: [{to: [{operation: {ports: ["x"]}}]}]}`);
    const err = await loadPolicies(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyLoadError);
    const issues = (err as PolicyLoadError).issues;
    expect(issues.map(formatIssue)).toEqual([
      `${join(dir, 'z.yaml')}#0 shop/bad: spec.action: unsupported value "NOPE": must be one of ALLOW, DENY, AUDIT, CUSTOM`,
      `${join(dir, 'z.yaml')}#1 shop/bad2: spec.rules[0].to[0].operation.ports[0]: bad port (x): must be an integer in 0..65535`,
    ]);
    expect((err as PolicyLoadError).code).toBe('ERR_POLICY_LOAD');
  });
  it('reports unreadable paths', async () => {
    const err = await loadPolicies('/nonexistent/meshauth/policies').catch((e: unknown) => e);
    expect((err as PolicyLoadError).issues[0]?.message).toMatch(/cannot read: ENOENT/);
  });
});

describe('errors name the file, document, policy and field', () => {
  it('formats like policies/deny.yaml#2 shop/deny-admin: spec.rules[0].to[0].operation.paths[1]: ...', () => {
    const text = `${header('a')}spec: {}\n---\n${header('b')}spec: {}\n---\n${header('deny-admin')}spec:\n  action: DENY\n  rules:\n  - to:\n    - operation:\n        paths: ["/ok", "/a/{*}x"]\n`;
    const [issue] = issuesOf(() => parsePolicies(text, { file: 'policies/deny.yaml' }));
    expect(issue && formatIssue(issue)).toMatch(/^policies\/deny\.yaml#2 shop\/deny-admin: spec\.rules\[0\]\.to\[0\]\.operation\.paths\[1\]: invalid or unsupported path template/);
  });
  it('prefixes List items', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: security.istio.io/v1\n  kind: AuthorizationPolicy\n  metadata: {name: a, namespace: x}\n  spec: {bogus: 1}\n`;
    expect(issuesOf(() => parsePolicies(text)).map((i) => i.field)).toEqual(['items[0].spec.bogus']);
  });
  it('YAML syntax and duplicate keys', () => {
    expect(issuesOf(() => parsePolicies('a: [1'))[0]?.message).toMatch(/invalid YAML/);
    expect(issuesOf(() => parsePolicies(`${header('a')}spec: {}\nspec: {}`))[0]?.message).toMatch(/invalid YAML/);
  });
  it('nothing is half-loaded: one bad document fails the whole load', () => {
    expect(() => parsePolicies(`${header('good')}spec: {}\n---\n${header('bad')}spec: {action: 3}`)).toThrow(PolicyLoadError);
  });
  it('duplicate namespace/name', () => {
    expect(issuesOf(() => parsePolicies(`${header('a')}spec: {}\n---\n${header('a')}spec: {}`))[0]?.message).toMatch(/duplicate policy shop\/a/);
  });
  it('apiVersion/kind missing, unsupported version of our kind', () => {
    expect(issuesOf(() => parsePolicies('metadata: {name: a}'))[0]?.message).toBe('apiVersion not set');
    expect(issuesOf(() => parsePolicies('apiVersion: v1\nmetadata: {name: a}'))[0]?.message).toBe('kind not set');
    expect(issuesOf(() => parsePolicies(header('a').replace('v1\n', 'v1alpha1\n') + 'spec: {}'))[0]?.field).toBe('apiVersion');
  });
  it('metadata', () => {
    expect(issuesOf(() => parsePolicies('apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec: {}'))[0]?.field).toBe('metadata');
    expect(issuesOf(() => parsePolicies(`${header('Bad_Name')}spec: {}`))[0]?.message).toMatch(/DNS-1123/);
    const ann = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\n  annotations: {istio.io/dry-run: true}\nspec: {}`;
    expect(issuesOf(() => parsePolicies(ann))[0]?.field).toBe('metadata.annotations.istio.io/dry-run');
  });
});

// Validation as strict as the API server schema plus Istio's webhook
// (pkg/config/validation/validation.go ValidateAuthorizationPolicy; pkg/config/security/security.go).
describe('validation rules', () => {
  const cases: readonly (readonly [string, string, RegExp])[] = [
    ['unknown spec field', '  acton: DENY', /^spec\.acton: unknown field/],
    ['unknown source field', '  rules: [{from: [{source: {principal: [a]}}]}]', /source\.principal: unknown field/],
    ['wrong type: ports as numbers', '  rules: [{to: [{operation: {ports: [8080]}}]}]', /ports\[0\]: must be a string, found number 8080/],
    ['wrong type: list expected', '  rules: [{to: [{operation: {methods: GET}}]}]', /methods: must be a list of strings/],
    ['bad enum', '  action: deny', /unsupported value "deny"/],
    ['DENY without rules', '  action: DENY', /DENY action without `rules` is meaningless/],
    ['DENY with empty rules', '  action: DENY\n  rules: []', /DENY action without `rules`/],
    ['CUSTOM without rules', '  action: CUSTOM\n  provider: {name: opa}', /CUSTOM action without `rules`/],
    ['CUSTOM without provider', '  action: CUSTOM\n  rules: [{}]', /`provider.name` must not be empty/],
    ['provider with non-CUSTOM', '  provider: {name: opa}', /`provider` must not be with non CUSTOM action, found ALLOW/],
    ['CUSTOM with principals', '  action: CUSTOM\n  provider: {name: opa}\n  rules: [{from: [{source: {principals: [a]}}]}]', /principals: is currently not supported with CUSTOM/],
    ['CUSTOM with request.auth', '  action: CUSTOM\n  provider: {name: opa}\n  rules: [{when: [{key: "request.auth.claims[a]", values: [b]}]}]', /request\.auth\.claims\[a\] is currently not supported with CUSTOM/],
    ['CUSTOM with source.principal', '  action: CUSTOM\n  provider: {name: opa}\n  rules: [{when: [{key: source.principal, values: [b]}]}]', /source\.principal is currently not supported/],
    ['unknown when key', '  rules: [{when: [{key: "request.header[a]", values: [b]}]}]', /unknown attribute: request\.header\[a\]/],
    ['destination.labels', '  rules: [{when: [{key: "destination.labels[app]", values: [b]}]}]', /replaced by the workload selector/],
    ['destination.namespace', '  rules: [{when: [{key: destination.namespace, values: [b]}]}]', /replaced by the metadata\.namespace/],
    ['destination.user', '  rules: [{when: [{key: destination.user, values: [b]}]}]', /deprecated attribute/],
    ['map key shape', '  rules: [{when: [{key: "request.headers[]", values: [b]}]}]', /should have format a\[b\]/],
    ['when without values', '  rules: [{when: [{key: source.ip}]}]', /at least one of `values` or `notValues`/],
    ['when with empty key', '  rules: [{when: [{key: "", values: [a]}]}]', /`key` must not be empty/],
    ['bad when IP', '  rules: [{when: [{key: source.ip, values: [1.2.3]}]}]', /bad IP address \(1\.2\.3\)/],
    ['bad when port', '  rules: [{when: [{key: destination.port, values: ["65536"]}]}]', /bad port \(65536\)/],
    ['bad CIDR', '  rules: [{from: [{source: {ipBlocks: ["10.0.0.0/33"]}}]}]', /bad CIDR range/],
    ['bad IP (leading zero, netip)', '  rules: [{from: [{source: {notIpBlocks: ["010.0.0.1"]}}]}]', /bad IP address/],
    ['bad remote CIDR', '  rules: [{from: [{source: {remoteIpBlocks: ["::1/129"]}}]}]', /bad CIDR range/],
    ['port with sign', '  rules: [{to: [{operation: {notPorts: ["+80"]}}]}]', /bad port/],
    ['port wildcard', '  rules: [{to: [{operation: {ports: ["*"]}}]}]', /bad port/],
    ['empty value', '  rules: [{to: [{operation: {paths: [""]}}]}]', /empty value not allowed/],
    ['empty from', '  rules: [{from: []}]', /`from` must not be empty/],
    ['empty to', '  rules: [{to: []}]', /`to` must not be empty/],
    ['null from entry', '  rules: [{from: [null]}]', /`from` must not be nil/],
    ['source missing', '  rules: [{from: [{}]}]', /`from.source` must not be nil/],
    ['empty source', '  rules: [{from: [{source: {}}]}]', /`from.source` must not be empty/],
    ['empty operation', '  rules: [{to: [{operation: {}}]}]', /`to.operation` must not be empty/],
    ['null rule', '  rules: [null]', /`rule` must not be nil/],
    ['serviceAccounts with principals', '  rules: [{from: [{source: {serviceAccounts: [a], principals: [b]}}]}]', /cannot set serviceAccounts with namespaces or principals/],
    ['serviceAccounts with notNamespaces', '  rules: [{from: [{source: {notServiceAccounts: [a], notNamespaces: [b]}}]}]', /cannot set serviceAccounts/],
    ['serviceAccounts wildcard', '  rules: [{from: [{source: {serviceAccounts: ["a*"]}}]}]', /wildcards are not supported/],
    ['serviceAccounts format', '  rules: [{from: [{source: {serviceAccounts: ["a/b/c"]}}]}]', /must be "<name>" or "<namespace>\/<name>"/],
    ['serviceAccounts max 16', `  rules: [{from: [{source: {serviceAccounts: [${Array.from({ length: 17 }, (_, i) => `s${i}`).join(',')}]}}]}]`, /at most 16 values/],
    ['trustDomains middle star', '  rules: [{from: [{source: {trustDomains: ["a*b"]}}]}]', /at most one "\*", at the start or the end/],
    ['trustDomains two stars', '  rules: [{from: [{source: {trustDomains: ["*a*"]}}]}]', /at most one/],
    ['trustDomains slash', '  rules: [{from: [{source: {trustDomains: ["a/b"]}}]}]', /must not contain "\/"/],
    ['template operator not a whole segment', '  rules: [{to: [{operation: {paths: ["/a/x{*}"]}}]}]', /invalid or unsupported path template/],
    ['template named variable', '  rules: [{to: [{operation: {notPaths: ["/{*}/{name}"]}}]}]', /invalid or unsupported path template/],
    ['template operator after {**}', '  rules: [{to: [{operation: {paths: ["/{**}/{*}"]}}]}]', /operator after \{\*\*\}/],
    ['template bare star segment', '  rules: [{to: [{operation: {paths: ["/{*}/*"]}}]}]', /invalid or unsupported path template/],
    ['template empty segment', '  rules: [{to: [{operation: {paths: ["/a//{*}"]}}]}]', /empty segment/],
    ['selector and targetRef', '  selector: {matchLabels: {app: a}}\n  targetRef: {kind: Gateway, name: gw}', /only one of targetRefs or workloadSelector/],
    ['selector and targetRefs', '  selector: {matchLabels: {app: a}}\n  targetRefs: [{kind: Gateway, name: gw}]', /only one of targetRefs or workloadSelector/],
    ['targetRef without name', '  targetRefs: [{kind: Gateway}]', /targetRefs\[0\]\.name: is required/],
    ['selector wildcard', '  selector: {matchLabels: {app: "a*"}}', /wildcard is not supported in selector/],
    ['selector value type', '  selector: {matchLabels: {replicas: 3}}', /matchLabels\.replicas: must be a string/],
  ];
  it.each(cases)('%s', (_name, spec, pattern) => {
    const issues = specIssues(spec);
    expect(issues.some((i) => pattern.test(i))).toBe(true);
  });

  it('accepts everything valid at once', () => {
    const spec = `  selector: {matchLabels: {app: orders}}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/shop/sa/a", "*"]
        notPrincipals: ["*/sa/x"]
        requestPrincipals: ["https://idp/*"]
        notRequestPrincipals: ["*/bad"]
        namespaces: [shop]
        notNamespaces: [kube-system]
        ipBlocks: ["10.0.0.0/8", "2001:db8::/32", "1.2.3.4"]
        notIpBlocks: ["10.9.0.0/16"]
        remoteIpBlocks: ["0.0.0.0/0"]
        notRemoteIpBlocks: ["::1"]
        trustDomains: ["cluster.local", "*.corp", "prod-*", "*"]
        notTrustDomains: [evil]
    - source: {serviceAccounts: [frontend, other/backend], notServiceAccounts: [x]}
    to:
    - operation:
        hosts: ["example.com", "example.com:*"]
        notHosts: ["*.evil"]
        ports: ["8080", "0", "65535"]
        notPorts: ["9090"]
        methods: [GET, "P*"]
        notMethods: [DELETE]
        paths: ["/api/*", "/v1/{*}/items/{**}", "/s/{**}/cart", "/foo/{**}/", "*.js"]
        notPaths: ["/api/admin*"]
    when:
    - {key: "request.headers[x-tenant]", values: [acme], notValues: [evil]}
    - {key: source.ip, values: ["10.0.0.0/8"]}
    - {key: remote.ip, values: ["1.2.3.4"]}
    - {key: source.namespace, values: [shop]}
    - {key: source.principal, values: ["cluster.local/ns/shop/sa/a"]}
    - {key: source.serviceAccount, values: [a]}
    - {key: source.trustDomain, values: [cluster.local]}
    - {key: request.auth.principal, values: ["https://idp/alice"]}
    - {key: request.auth.audiences, values: [api]}
    - {key: request.auth.presenter, values: [web]}
    - {key: "request.auth.claims[groups]", values: [admins]}
    - {key: "request.auth.claims[a][b]", values: [x]}
    - {key: destination.ip, values: ["192.168.0.0/16"]}
    - {key: destination.port, values: ["8080"]}
    - {key: connection.sni, values: ["*.example.com"]}
`;
    expect(parsePolicies(`${header('all')}spec:\n${spec}`)).toHaveLength(1);
  });

  it('warnings: unbuildable keys, empty selector, unparsable dry-run value', () => {
    const warnings: PolicyIssue[] = [];
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: shop, annotations: {istio.io/dry-run: "yes"}}\nspec:\n  selector: {}\n  rules: [{when: [{key: "request.headersX[a]", values: [b]}]}]`;
    parsePolicies(text, { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.field)).toEqual(['spec.selector', 'spec.rules[0].when[0].key', 'metadata.annotations.istio.io/dry-run']);
  });
});
