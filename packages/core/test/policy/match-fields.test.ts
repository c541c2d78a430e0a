import { describe, expect, it } from '@jest/globals';
import type { AuthzRequest } from '../../src/policy/index.js';
import { denies, matches, peer, req } from './helpers.js';

// Every expectation cites where Istio/Envoy defines the behaviour. Abbreviations as in
// /work/shared/reference/authorization-policy.md: [API] istio/api authorization_policy.proto,
// [MODEL] pilot/pkg/security/authz/model/{generator,model}.go, [MATCH] pilot/pkg/security/authz/matcher/*.go,
// [TD] pilot/pkg/security/trustdomain/bundle.go, [ENVOY-*] envoyproxy/envoy sources.

type Row = readonly [string, Record<string, unknown>, AuthzRequest, boolean];

const sa = (p: string): AuthzRequest => req({ peer: peer(p) });

describe('source.principals / notPrincipals', () => {
  const rows: Row[] = [
    // [MODEL] srcPrincipalGenerator → StringMatcherWithPrefix(v, "spiffe://"): exact.
    ['exact', { principals: ['cluster.local/ns/shop/sa/a'] }, sa('cluster.local/ns/shop/sa/a'), true],
    ['exact, other sa', { principals: ['cluster.local/ns/shop/sa/a'] }, sa('cluster.local/ns/shop/sa/b'), false],
    // [MATCH] string.go: `p*` → prefix `spiffe://p`.
    ['prefix', { principals: ['cluster.local/ns/shop/*'] }, sa('cluster.local/ns/shop/sa/x'), true],
    // [MATCH] string.go: `*s` → regex `spiffe://.*s`, the principal ends with s.
    ['suffix', { principals: ['*/sa/a'] }, sa('td/ns/any/sa/a'), true],
    ['suffix miss', { principals: ['*/sa/a'] }, sa('td/ns/any/sa/ab'), false],
    // [MATCH] string.go: `*` → `.+`, any authenticated peer.
    ['star with peer', { principals: ['*'] }, sa('x/ns/y/sa/z'), true],
    // reference §5: no TLS ⇒ never matches.
    ['star without peer', { principals: ['*'] }, req(), false],
    // reference §5 / [API] Source example note (§12.8): `spiffe://` in a policy never matches.
    ['scheme written in policy', { principals: ['spiffe://cluster.local/ns/shop/sa/a'] }, sa('cluster.local/ns/shop/sa/a'), false],
    // [MATCH]: `*` elsewhere is a literal character.
    ['middle star is literal', { principals: ['cluster.local/ns/*/sa/a'] }, sa('cluster.local/ns/shop/sa/a'), false],
    // reference §5: missing attribute makes a negative matcher true (istio-security-2021-004).
    ['notPrincipals without peer', { notPrincipals: ['cluster.local/ns/shop/sa/a'] }, req(), true],
    ['notPrincipals with that peer', { notPrincipals: ['cluster.local/ns/shop/sa/a'] }, sa('cluster.local/ns/shop/sa/a'), false],
    // [MODEL] principal(): (values OR) AND NOT (notValues OR).
    ['values and notValues', { principals: ['cluster.local/*'], notPrincipals: ['*/sa/admin'] }, sa('cluster.local/ns/a/sa/admin'), false],
  ];
  it.each(rows)('%s', (_n, source, r, want) => {
    expect(matches({ from: [{ source }] }, r)).toBe(want);
  });
});

describe('trust-domain aliases [TD] ReplaceTrustDomainAliases', () => {
  it('cluster.local in a policy means the local trust domain (reference §5.1)', () => {
    const rule = { from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }] };
    expect(matches(rule, sa('td1/ns/a/sa/b'), { trustDomain: 'td1' })).toBe(true);
    expect(matches(rule, sa('cluster.local/ns/a/sa/b'), { trustDomain: 'td1' })).toBe(false);
  });
  it('a bundle member expands to every member', () => {
    const rule = { from: [{ source: { principals: ['old/ns/a/sa/b'] } }] };
    const opts = { trustDomain: 'new', trustDomainAliases: ['old'] };
    expect(matches(rule, sa('new/ns/a/sa/b'), opts)).toBe(true);
    expect(matches(rule, sa('old/ns/a/sa/b'), opts)).toBe(true);
  });
  it('other trust domains and non-5-part values stay verbatim; `*` trust domain is not enforced', () => {
    const opts = { trustDomain: 'new', trustDomainAliases: ['old'] };
    expect(matches({ from: [{ source: { principals: ['other/ns/a/sa/b'] } }] }, sa('other/ns/a/sa/b'), opts)).toBe(true);
    expect(matches({ from: [{ source: { principals: ['other/ns/a/sa/b'] } }] }, sa('new/ns/a/sa/b'), opts)).toBe(false);
    expect(matches({ from: [{ source: { principals: ['*/ns/a/sa/b'] } }] }, sa('x/ns/a/sa/b'), opts)).toBe(true);
  });
  it('source.principal conditions are rewritten too ([MODEL] MigrateTrustDomain keys on source.principal)', () => {
    const rule = { when: [{ key: 'source.principal', values: ['cluster.local/ns/a/sa/b'] }] };
    expect(matches(rule, sa('td1/ns/a/sa/b'), { trustDomain: 'td1' })).toBe(true);
  });
  it('trustDomains values equal to a bundle member expand to the bundle (reference §5.1)', () => {
    const rule = { from: [{ source: { trustDomains: ['new'] } }] };
    expect(matches(rule, sa('old/ns/a/sa/b'), { trustDomain: 'new', trustDomainAliases: ['old'] })).toBe(true);
  });
});

describe('namespaces / notNamespaces: regex .*/ns/<v>/.* over the URI SAN [MODEL] srcNamespaceGenerator', () => {
  const rows: Row[] = [
    ['istio form', { namespaces: ['shop'] }, sa('cluster.local/ns/shop/sa/a'), true],
    ['other namespace', { namespaces: ['shop'] }, sa('cluster.local/ns/shopping/sa/a'), false],
    // reference §5: the unanchored regex also matches a later /ns/ in an exotic path.
    ['later /ns/ segment', { namespaces: ['shop'] }, sa('td/team/x/ns/shop/y'), true],
    // the URI is spiffe://<principal>: a principal starting with ns/<v>/ has /ns/<v>/ in the URI.
    ['trust domain named ns', { namespaces: ['shop'] }, sa('ns/shop/x'), true],
    ['no trailing slash after namespace', { namespaces: ['shop'] }, sa('td/ns/shop'), false],
    // `*` → `.*`: any namespace, still needs mTLS.
    ['star', { namespaces: ['*'] }, sa('td/ns/any/sa/a'), true],
    ['star without peer', { namespaces: ['*'] }, req(), false],
    ['wildcard prefix', { namespaces: ['team-*'] }, sa('td/ns/team-a/sa/x'), true],
    // literal parts quoted since 1.31 (#59992): a dot is not a metacharacter.
    ['dot is literal', { namespaces: ['a.b'] }, sa('td/ns/aXb/sa/x'), false],
    // istio-security-2021-004: ALLOW notNamespaces admits plaintext.
    ['notNamespaces admits plaintext', { notNamespaces: ['foo'] }, req(), true],
    ['notNamespaces excludes foo', { notNamespaces: ['foo'] }, sa('td/ns/foo/sa/a'), false],
  ];
  it.each(rows)('%s', (_n, source, r, want) => {
    expect(matches({ from: [{ source }] }, r)).toBe(want);
  });
});

describe('serviceAccounts: spiffe://.+/ns/<ns>/(.+/|)sa/<sa>(/.+)? [MODEL] serviceAccountRegex', () => {
  const rows: Row[] = [
    ['name alone is in the policy namespace', { serviceAccounts: ['frontend'] }, sa('td/ns/shop/sa/frontend'), true],
    ['name alone, other namespace', { serviceAccounts: ['frontend'] }, sa('td/ns/other/sa/frontend'), false],
    ['ns/name', { serviceAccounts: ['other/frontend'] }, sa('any-td/ns/other/sa/frontend'), true],
    ['longer sa name does not match', { serviceAccounts: ['frontend'] }, sa('td/ns/shop/sa/frontend-x'), false],
    ['extra segments allowed', { serviceAccounts: ['frontend'] }, sa('td/ns/shop/x/y/sa/frontend/z'), true],
    // CVE-2026-39350: dots quoted.
    ['dots are literal', { serviceAccounts: ['cert-manager.io'] }, sa('td/ns/shop/sa/cert-manager-io'), false],
    ['notServiceAccounts without peer', { notServiceAccounts: ['frontend'] }, req(), true],
  ];
  it.each(rows)('%s', (_n, source, r, want) => {
    expect(matches({ from: [{ source }] }, r)).toBe(want);
  });
});

describe('trustDomains: prefix spiffe://<td>/, * any, a*b regex (reference §5, Istio ≥ 1.31)', () => {
  const rows: Row[] = [
    ['exact', { trustDomains: ['cluster.local'] }, sa('cluster.local/ns/a/sa/b'), true],
    ['exact is a whole trust domain', { trustDomains: ['cluster.local'] }, sa('cluster.localx/ns/a/sa/b'), false],
    ['star', { trustDomains: ['*'] }, sa('any/ns/a/sa/b'), true],
    ['suffix', { trustDomains: ['*.corp'] }, sa('eu.corp/ns/a/sa/b'), true],
    ['suffix does not cross /', { trustDomains: ['*.corp'] }, sa('x/eu.corp/ns/a'), false],
    ['prefix', { trustDomains: ['prod-*'] }, sa('prod-eu/ns/a/sa/b'), true],
    ['notTrustDomains without peer', { notTrustDomains: ['x'] }, req(), true],
  ];
  it.each(rows)('%s', (_n, source, r, want) => {
    expect(matches({ from: [{ source }] }, r)).toBe(want);
  });
});

describe('requestPrincipals: iss/sub split at the last / (reference §5.2, [MODEL] requestPrincipalGenerator)', () => {
  const jwt = (claims: Record<string, unknown>): AuthzRequest => req({ auth: { claims } });
  const rows: Row[] = [
    ['exact', { requestPrincipals: ['https://idp/alice'] }, jwt({ iss: 'https://idp', sub: 'alice' }), true],
    ['issuer url with /', { requestPrincipals: ['https://accounts.google.com/1049'] }, jwt({ iss: 'https://accounts.google.com', sub: '1049' }), true],
    // §12.3: a sub containing / cannot be matched literally.
    ['sub with / cannot match literally', { requestPrincipals: ['https://i/team/alice'] }, jwt({ iss: 'https://i', sub: 'team/alice' }), false],
    ['star needs iss and sub', { requestPrincipals: ['*'] }, jwt({ iss: 'https://idp' }), false],
    ['star', { requestPrincipals: ['*'] }, jwt({ iss: 'https://idp', sub: 'x' }), true],
    ['star, empty sub', { requestPrincipals: ['*'] }, jwt({ iss: 'https://idp', sub: '' }), false],
    ['iss/*', { requestPrincipals: ['https://idp/*'] }, jwt({ iss: 'https://idp', sub: 'bob' }), true],
    ['iss/* other iss', { requestPrincipals: ['https://idp/*'] }, jwt({ iss: 'https://other', sub: 'bob' }), false],
    ['*/sub', { requestPrincipals: ['*/bob'] }, jwt({ iss: 'anything', sub: 'bob' }), true],
    ['*/* needs sub == "*"', { requestPrincipals: ['*/*'] }, jwt({ iss: 'a', sub: 'bob' }), false],
    ['*/* literal star sub', { requestPrincipals: ['*/*'] }, jwt({ iss: 'a', sub: '*' }), true],
    ['*suffix no slash: sub suffix', { requestPrincipals: ['*ice'] }, jwt({ iss: 'a', sub: 'alice' }), true],
    ['prefix* no slash: iss prefix', { requestPrincipals: ['https://id*'] }, jwt({ iss: 'https://idp', sub: 'x' }), false],
    ['prefix* no slash: iss prefix (slash-free issuer)', { requestPrincipals: ['acc*'] }, jwt({ iss: 'accounts', sub: 'x' }), true],
    ['iss/sub-prefix*', { requestPrincipals: ['https://idp/al*'] }, jwt({ iss: 'https://idp', sub: 'alice' }), true],
    ['no slash: sub must be empty', { requestPrincipals: ['issuer'] }, jwt({ iss: 'issuer', sub: '' }), true],
    ['non-string claims never match', { requestPrincipals: ['1/2'] }, jwt({ iss: 1, sub: 2 }), false],
    ['no JWT', { requestPrincipals: ['*'] }, req(), false],
    // reference §10: notRequestPrincipals is satisfied by requests without a JWT.
    ['notRequestPrincipals without JWT', { notRequestPrincipals: ['*'] }, req(), true],
  ];
  it.each(rows)('%s', (_n, source, r, want) => {
    expect(matches({ from: [{ source }] }, r)).toBe(want);
  });
  it('falls back to auth.principal split at the last / when the payload has no iss/sub', () => {
    expect(matches({ from: [{ source: { requestPrincipals: ['https://idp/alice'] } }] }, req({ auth: { principal: 'https://idp/alice', claims: {} } }))).toBe(true);
  });
});

describe('ipBlocks / remoteIpBlocks / source.ip / remote.ip / destination.ip (Envoy CidrRange)', () => {
  const rows: Row[] = [
    ['single IP', { ipBlocks: ['10.0.0.7'] }, req({ sourceIp: '10.0.0.7' }), true],
    ['CIDR', { ipBlocks: ['10.0.0.0/8'] }, req({ sourceIp: '10.200.1.2' }), true],
    // CidrRange masks host bits.
    ['host bits masked', { ipBlocks: ['10.1.2.3/16'] }, req({ sourceIp: '10.1.9.9' }), true],
    // address_impl.cc: a v4-mapped peer is IPv4.
    ['v4-mapped peer', { ipBlocks: ['10.0.0.0/8'] }, req({ sourceIp: '::ffff:10.1.2.3' }), true],
    ['v4 range vs v6 peer', { ipBlocks: ['0.0.0.0/0'] }, req({ sourceIp: '2001:db8::1' }), false],
    ['v6 range', { ipBlocks: ['2001:db8::/32'] }, req({ sourceIp: '2001:db8:1::5' }), true],
    ['v6 mapped range never matches a v4 peer', { ipBlocks: ['::ffff:10.0.0.0/104'] }, req({ sourceIp: '10.0.0.1' }), false],
    ['no source IP', { ipBlocks: ['0.0.0.0/0'] }, req(), false],
    ['notIpBlocks, no source IP', { notIpBlocks: ['10.0.0.0/8'] }, req(), true],
    ['remoteIpBlocks uses remoteIp', { remoteIpBlocks: ['203.0.113.0/24'] }, req({ sourceIp: '10.0.0.1', remoteIp: '203.0.113.9' }), true],
    // remote_ip equals the direct peer when XFF/PROXY do not apply.
    ['remoteIpBlocks falls back to the peer', { remoteIpBlocks: ['10.0.0.0/8'] }, req({ sourceIp: '10.0.0.1' }), true],
    ['ipBlocks ignores remoteIp', { ipBlocks: ['203.0.113.0/24'] }, req({ sourceIp: '10.0.0.1', remoteIp: '203.0.113.9' }), false],
  ];
  it.each(rows)('%s', (_n, source, r, want) => {
    expect(matches({ from: [{ source }] }, r)).toBe(want);
  });
  it('when source.ip / remote.ip / destination.ip', () => {
    expect(matches({ when: [{ key: 'source.ip', values: ['10.0.0.0/8'] }] }, req({ sourceIp: '10.1.1.1' }))).toBe(true);
    expect(matches({ when: [{ key: 'remote.ip', values: ['1.2.3.4'] }] }, req({ sourceIp: '10.1.1.1', remoteIp: '1.2.3.4' }))).toBe(true);
    expect(matches({ when: [{ key: 'destination.ip', values: ['192.168.0.0/16'] }] }, req({ destinationIp: '192.168.3.4' }))).toBe(true);
    expect(matches({ when: [{ key: 'destination.ip', notValues: ['192.168.0.0/16'] }] }, req())).toBe(true);
  });
});

describe('operation fields', () => {
  const rows: Row[] = [
    // [MATCH] HostMatcher: ignore_case; `*` = present_match; port is part of the value.
    ['host exact', { hosts: ['example.com'] }, req({ host: 'example.com' }), true],
    ['host case-insensitive pattern', { hosts: ['Example.COM'] }, req({ host: 'example.com' }), true],
    ['host with port does not match', { hosts: ['example.com'] }, req({ host: 'example.com:8080' }), false],
    ['host port wildcard', { hosts: ['example.com:*'] }, req({ host: 'example.com:8080' }), true],
    ['host prefix also matches evil suffix', { hosts: ['example.com*'] }, req({ host: 'example.com.evil.io' }), true],
    ['host suffix', { hosts: ['*.example.com'] }, req({ host: 'api.example.com' }), true],
    ['host star matches empty', { hosts: ['*'] }, req({ host: '' }), true],
    ['notHosts', { notHosts: ['example.com'] }, req({ host: 'example.com' }), false],
    // [MATCH] HeaderMatcher on :method, case-sensitive.
    ['method', { methods: ['GET'] }, req({ method: 'GET' }), true],
    ['GET is not HEAD', { methods: ['GET'] }, req({ method: 'HEAD' }), false],
    ['method case-sensitive', { methods: ['get'] }, req({ method: 'GET' }), false],
    ['method prefix', { methods: ['P*'] }, req({ method: 'PATCH' }), true],
    ['method star', { methods: ['*'] }, req({ method: 'OPTIONS' }), true],
    ['notMethods', { notMethods: ['DELETE'] }, req({ method: 'DELETE' }), false],
    // url_path matcher: case-sensitive, `*` = `.+`.
    ['path exact', { paths: ['/admin'] }, req({ path: '/admin' }), true],
    ['path exact vs trailing slash', { paths: ['/admin'] }, req({ path: '/admin/' }), false],
    ['path case-sensitive', { paths: ['/admin'] }, req({ path: '/ADMIN' }), false],
    ['path prefix also matches /administrator', { paths: ['/admin*'] }, req({ path: '/administrator' }), true],
    ['path suffix', { paths: ['*.js'] }, req({ path: '/static/app.js' }), true],
    ['path star', { paths: ['*'] }, req({ path: '/' }), true],
    ['path middle star literal', { paths: ['/api/*/users'] }, req({ path: '/api/v1/users' }), false],
    ['path middle star literal, exact text', { paths: ['/api/*/users'] }, req({ path: '/api/*/users' }), true],
    ['notPaths', { notPaths: ['/healthz'] }, req({ path: '/healthz' }), false],
    // ports: destination_port, numeric.
    ['port', { ports: ['8080'] }, req({ destinationPort: 8080 }), true],
    ['port leading zero (ParseUint)', { ports: ['08080'] }, req({ destinationPort: 8080 }), true],
    ['port other', { ports: ['8080'] }, req({ destinationPort: 9090 }), false],
    ['port missing', { ports: ['8080'] }, req(), false],
    ['notPorts missing', { notPorts: ['8080'] }, req(), true],
  ];
  it.each(rows)('%s', (_n, operation, r, want) => {
    expect(matches({ to: [{ operation }] }, r)).toBe(want);
  });
});

describe('path templates (reference §5.3, [ENVOY-TPL] uri_template_internal.cc)', () => {
  const rows: readonly (readonly [string, string, boolean])[] = [
    ['/a/{*}', '/a/x', true],
    ['/a/{*}', '/a/', false], // {*} never matches an empty segment
    ['/a/{*}', '/a/x/y', false],
    ['/a/{**}', '/a/', true],
    ['/a/{**}', '/a/x/y', true],
    ['/a/{**}', '/a', false],
    ['/s/{**}/cart', '/s//cart', true],
    ['/s/{**}/cart', '/s/cart', false],
    ['/s/{**}/cart', '/s/a/b/cart', true],
    // §12.1: docs say /foo/{**}/ matches /foo/bar/baz.txt; Envoy compiles ^/foo/[…/]*/$.
    ['/foo/{**}/', '/foo/bar/baz.txt', false],
    ['/foo/{**}/', '/foo/bar/', true],
    ['/{*}/x', '/a/x', true],
    // `=` and `*` are not in kLiteral: a segment with them does not match {*}.
    ['/a/{*}', '/a/k=v', false],
    ['/v1.0/{*}', '/v1x0/a', false], // literal dots quoted
  ];
  it.each(rows)('%s vs %s', (tpl, path, want) => {
    expect(matches({ to: [{ operation: { paths: [tpl] } }] }, req({ path }))).toBe(want);
  });
});

describe('request.headers[...]: Envoy HeaderMatcher on the joined value ([ENVOY-HDR] getAllOfHeaderAsString)', () => {
  const w = (values: string[] | undefined, notValues?: string[]) => ({ when: [{ key: 'request.headers[X-Tenant]', ...(values ? { values } : {}), ...(notValues ? { notValues } : {}) }] });
  it('name is case-insensitive, value case-sensitive', () => {
    expect(matches(w(['acme']), req({ headers: { 'x-tenant': 'acme' } }))).toBe(true);
    expect(matches(w(['acme']), req({ headers: { 'x-tenant': 'ACME' } }))).toBe(false);
  });
  it('repeated headers are joined with "," (no space): exact fails, notValues passes (reference §10)', () => {
    const r = req({ headers: { 'x-tenant': ['a', 'b'] } });
    expect(matches(w(['a']), r)).toBe(false);
    expect(matches(w(['a,b']), r)).toBe(true);
    expect(matches(w(undefined, ['b']), r)).toBe(true);
  });
  it('`*` is present_match: an empty value matches (§12.2)', () => {
    expect(matches(w(['*']), req({ headers: { 'x-tenant': '' } }))).toBe(true);
    expect(matches(w(['*']), req())).toBe(false);
  });
  it('absent header: values false, notValues true', () => {
    expect(matches(w(['acme']), req())).toBe(false);
    expect(matches(w(undefined, ['acme']), req())).toBe(true);
  });
  it('prefix and suffix', () => {
    expect(matches(w(['ac*']), req({ headers: { 'x-tenant': 'acme' } }))).toBe(true);
    expect(matches(w(['*me']), req({ headers: { 'x-tenant': 'acme' } }))).toBe(true);
  });
  it('host is :authority; :method is the method', () => {
    expect(matches({ when: [{ key: 'request.headers[host]', values: ['example.com'] }] }, req({ host: 'example.com' }))).toBe(true);
    expect(matches({ when: [{ key: 'request.headers[:method]', values: ['GET'] }] }, req())).toBe(true);
  });
});

describe('request.auth.* conditions ([MODEL] requestClaimGenerator, [MATCH] MetadataListValueMatcher)', () => {
  const jwt = (claims: Record<string, unknown>, extra: Record<string, unknown> = {}): AuthzRequest => req({ auth: { claims, ...extra } });
  const rows: readonly (readonly [string, string, string[], AuthzRequest, boolean])[] = [
    ['string claim', 'request.auth.claims[group]', ['admin'], jwt({ group: 'admin' }), true],
    ['list claim element', 'request.auth.claims[groups]', ['admin'], jwt({ groups: ['dev', 'admin'] }), true],
    // only strings match.
    ['boolean never matches', 'request.auth.claims[admin]', ['true'], jwt({ admin: true }), false],
    ['number never matches', 'request.auth.claims[level]', ['3'], jwt({ level: 3 }), false],
    ['non-string list elements never match', 'request.auth.claims[ids]', ['1'], jwt({ ids: [1, 2] }), false],
    ['nested', 'request.auth.claims[a][b]', ['x'], jwt({ a: { b: 'x' } }), true],
    ['dots are not separators', 'request.auth.claims[a.b]', ['x'], jwt({ 'a.b': 'x', a: { b: 'y' } }), true],
    ['path cannot descend into a list', 'request.auth.claims[a][b]', ['x'], jwt({ a: [{ b: 'x' }] }), false],
    ['star = .+ (non-empty)', 'request.auth.claims[sub]', ['*'], jwt({ sub: '' }), false],
    ['prefix', 'request.auth.claims[email]', ['*@corp.com'], jwt({ email: 'a@corp.com' }), true],
    // space-delimited: scope and permission split ([AUTHN] buildSpaceDelimitedClaims).
    ['scope token', 'request.auth.claims[scope]', ['read'], jwt({ scope: 'read write' }), true],
    ['scope whole string no longer matches', 'request.auth.claims[scope]', ['read write'], jwt({ scope: 'read write' }), false],
    ['permission token', 'request.auth.claims[permission]', ['p2'], jwt({ permission: 'p1 p2' }), true],
    ['other claims are not split', 'request.auth.claims[roles]', ['a'], jwt({ roles: 'a b' }), false],
    ['audiences string', 'request.auth.audiences', ['api'], jwt({ aud: 'api' }), true],
    ['audiences list', 'request.auth.audiences', ['api'], jwt({ aud: ['web', 'api'] }), true],
    ['audiences fallback', 'request.auth.audiences', ['api'], jwt({}, { audiences: ['api'] }), true],
    ['presenter', 'request.auth.presenter', ['client-1'], jwt({ azp: 'client-1' }), true],
    ['request.auth.principal', 'request.auth.principal', ['https://idp/alice'], jwt({ iss: 'https://idp', sub: 'alice' }), true],
    ['no JWT', 'request.auth.claims[group]', ['admin'], req(), false],
  ];
  it.each(rows)('%s', (_n, key, values, r, want) => {
    expect(matches({ when: [{ key, values }] }, r)).toBe(want);
  });
  it('missing claim: notValues true', () => {
    expect(matches({ when: [{ key: 'request.auth.claims[group]', notValues: ['admin'] }] }, jwt({}))).toBe(true);
    expect(matches({ when: [{ key: 'request.auth.claims[group]', notValues: ['admin'] }] }, req())).toBe(true);
  });
  it('configured spaceDelimitedClaims are split too', () => {
    expect(matches({ when: [{ key: 'request.auth.claims[roles]', values: ['a'] }] }, jwt({ roles: 'a b' }), { spaceDelimitedClaims: ['roles'] })).toBe(true);
  });
});

describe('other conditions', () => {
  it('destination.port', () => {
    expect(matches({ when: [{ key: 'destination.port', values: ['8080'] }] }, req({ destinationPort: 8080 }))).toBe(true);
    expect(matches({ when: [{ key: 'destination.port', values: ['8080'] }] }, req())).toBe(false);
  });
  it('connection.sni: plaintext is "", `*` needs a value', () => {
    const k = (values: string[]) => ({ when: [{ key: 'connection.sni', values }] });
    expect(matches(k(['*']), req())).toBe(false);
    expect(matches(k(['*']), req({ sni: 'a.example' }))).toBe(true);
    expect(matches(k(['*.example']), req({ sni: 'a.example' }))).toBe(true);
    expect(matches({ when: [{ key: 'connection.sni', notValues: ['a.example'] }] }, req())).toBe(true);
  });
  it('source.namespace / source.serviceAccount / source.trustDomain', () => {
    const r = sa('cluster.local/ns/shop/sa/frontend');
    expect(matches({ when: [{ key: 'source.namespace', values: ['shop'] }] }, r)).toBe(true);
    expect(matches({ when: [{ key: 'source.serviceAccount', values: ['frontend'] }] }, r)).toBe(true);
    expect(matches({ when: [{ key: 'source.trustDomain', values: ['cluster.local'] }] }, r)).toBe(true);
  });
  it('all conditions are ANDed; values ORed ([API] Rule)', () => {
    const rule = { when: [{ key: 'request.headers[a]', values: ['1', '2'] }, { key: 'request.headers[b]', values: ['x'] }] };
    expect(matches(rule, req({ headers: { a: '2', b: 'x' } }))).toBe(true);
    expect(matches(rule, req({ headers: { a: '2' } }))).toBe(false);
  });
});

describe('rules Istio cannot build ([MODEL] checkError, reference §7)', () => {
  // `request.headersX[foo]` passes validateMapKey but the header generator fails on it.
  const bad = { to: [{ operation: { methods: ['GET'] } }], when: [{ key: 'request.headersX[foo]', values: ['1'] }] };
  it('ALLOW: the whole rule is dropped, and the policy still turns on default deny', () => {
    expect(matches(bad, req({ headers: { foo: '1' } }))).toBe(false);
    expect(matches(bad, req())).toBe(false);
  });
  it('DENY: the condition is ignored, the rule is wider', () => {
    expect(denies(bad, req({ method: 'GET' }))).toBe(true);
    expect(denies(bad, req({ method: 'POST' }))).toBe(false);
  });
  it('experimental.envoy.filters metadata is not available in-process: treated as unbuildable', () => {
    const rule = { when: [{ key: 'experimental.envoy.filters.a.b[c]', values: ['x'] }] };
    expect(matches(rule, req())).toBe(false);
    expect(denies(rule, req())).toBe(true);
  });
});

describe('boolean structure ([MODEL] model.go, [ENVOY-RBAC] any permission AND any principal)', () => {
  it('from entries are ORed, fields of one source ANDed', () => {
    const rule = { from: [{ source: { namespaces: ['a'], ipBlocks: ['10.0.0.0/8'] } }, { source: { namespaces: ['b'] } }] };
    expect(matches(rule, req({ peer: peer('td/ns/a/sa/x'), sourceIp: '10.1.1.1' }))).toBe(true);
    expect(matches(rule, req({ peer: peer('td/ns/a/sa/x'), sourceIp: '11.1.1.1' }))).toBe(false);
    expect(matches(rule, req({ peer: peer('td/ns/b/sa/x') }))).toBe(true);
  });
  it('to entries are ORed; from AND to AND when', () => {
    const rule = {
      from: [{ source: { namespaces: ['a'] } }],
      to: [{ operation: { methods: ['GET'] } }, { operation: { paths: ['/x'] } }],
      when: [{ key: 'request.headers[t]', values: ['1'] }],
    };
    const base = { peer: peer('td/ns/a/sa/x'), headers: { t: '1' } };
    expect(matches(rule, req({ ...base, method: 'POST', path: '/x' }))).toBe(true);
    expect(matches(rule, req({ ...base, method: 'POST', path: '/y' }))).toBe(false);
    expect(matches(rule, req({ ...base, headers: {} }))).toBe(false);
  });
  it('an empty rule matches everything ([API] "An empty rule is always matched")', () => {
    expect(matches({}, req())).toBe(true);
  });
});
