import { describe, expect, it } from '@jest/globals';
import { parseRequest, type RequestIssue } from '../src/request.js';

function issues(value: unknown): RequestIssue[] {
  const r = parseRequest(value);
  if (r.ok) throw new Error('expected issues');
  return [...r.issues];
}

function request(value: unknown) {
  const r = parseRequest(value);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

describe('parseRequest: mapping onto AuthzRequest', () => {
  it('maps every field with Istio attribute names', () => {
    const r = request({
      name: 'full',
      expect: 'allow',
      method: 'POST',
      path: '/api/orders?debug=1#top',
      host: 'Orders.Shop:8080',
      headers: { 'X-Tenant': 'acme', 'x-multi': ['a', 'b'] },
      source: { principal: 'cluster.local/ns/shop/sa/frontend', namespace: 'shop', ip: '10.0.0.7', port: 43210 },
      remoteIp: '203.0.113.9',
      destination: { ip: '10.0.0.8', port: 8080 },
      sni: 'outbound_.8080_._.orders.shop.svc.cluster.local',
      auth: { principal: 'https://idp.example/alice', audiences: ['orders'], presenter: 'web', claims: { groups: ['admins'] } },
    });
    expect(r.name).toBe('full');
    expect(r.expect).toBe('allow');
    expect(r.request).toEqual({
      method: 'POST',
      path: '/api/orders',
      host: 'orders.shop:8080',
      headers: { 'x-tenant': 'acme', 'x-multi': ['a', 'b'] },
      sourceIp: '10.0.0.7',
      sourcePort: 43210,
      remoteIp: '203.0.113.9',
      destinationIp: '10.0.0.8',
      destinationPort: 8080,
      sni: 'outbound_.8080_._.orders.shop.svc.cluster.local',
      peer: { principal: 'cluster.local/ns/shop/sa/frontend', namespace: 'shop' },
      auth: {
        principal: 'https://idp.example/alice',
        audiences: ['orders'],
        presenter: 'web',
        claims: { groups: ['admins'], iss: 'https://idp.example', sub: 'alice', aud: 'orders', azp: 'web' },
      },
    });
  });

  it('defaults to GET / with no host, and takes the host from the Host header', () => {
    expect(request({}).request).toEqual({ method: 'GET', path: '/', host: '', headers: {} });
    expect(request({ headers: { Host: 'A.example' } }).request.host).toBe('a.example');
  });

  it('accepts principals with spiffe:// and reads the namespace from them', () => {
    expect(request({ source: { principal: 'spiffe://td/ns/shop/sa/a' } }).request.peer).toEqual({ principal: 'td/ns/shop/sa/a', namespace: 'shop' });
    expect(request({ source: { principal: 'td/workload/x' } }).request.peer).toEqual({ principal: 'td/workload/x', namespace: undefined });
  });

  it('keeps claims that agree with the shorthand fields', () => {
    const r = request({ auth: { principal: 'iss/sub', claims: { iss: 'iss', sub: 'sub', aud: ['a', 'b'] }, audiences: ['a', 'b'] } });
    expect(r.request.auth?.claims).toEqual({ iss: 'iss', sub: 'sub', aud: ['a', 'b'] });
  });
});

describe('parseRequest: every mistake is an error with its path', () => {
  it('rejects unknown fields at every level, suggesting the closest name', () => {
    expect(issues({ methd: 'GET', source: { principl: 'x' }, destination: { prot: 1 }, auth: { claim: {} }, extra: 1 })).toEqual([
      { field: 'methd', message: 'unknown field (did you mean "method"?)' },
      { field: 'extra', message: 'unknown field (known: name, expect, method, path, host, headers, source, remoteIp, destination, sni, auth)' },
      { field: 'source.principl', message: 'unknown field (did you mean "principal"?)' },
      { field: 'destination.prot', message: 'unknown field (did you mean "port"?)' },
      { field: 'auth.claim', message: 'unknown field (did you mean "claims"?)' },
    ]);
  });

  it('checks types, addresses and ports', () => {
    expect(issues([])).toEqual([{ field: '', message: 'a request must be a JSON object, found a list' }]);
    expect(issues({ method: 1, source: { ip: '10.0.0.300', port: 70000 }, remoteIp: 'x', destination: { port: '8080' }, sni: null })).toEqual([
      { field: 'method', message: 'must be a string, found number 1' },
      { field: 'source.ip', message: '"10.0.0.300" is not an IP address' },
      { field: 'source.port', message: 'must be an integer in 0..65535, found number 70000' },
      { field: 'remoteIp', message: '"x" is not an IP address' },
      { field: 'destination.port', message: 'must be an integer in 0..65535, found string "8080"' },
      { field: 'sni', message: 'must be a string, found null' },
    ]);
  });

  it('rejects methods Envoy would reject and paths it would normalize', () => {
    expect(issues({ method: 'get' })).toEqual([{ field: 'method', message: '"get" must be upper-case (Envoy rejects other methods with 400 before authorization)' }]);
    expect(issues({ method: 'GE T' })[0]?.message).toBe('"GE T" is not an HTTP method');
    expect(issues({ path: 'admin' })).toEqual([{ field: 'path', message: '"admin" must start with "/"' }]);
    for (const path of ['/a/../admin', '/a/./b', '/a/%2e%2E/b', '/%61dmin', '/a\\b']) {
      expect(issues({ path })[0]?.message).toMatch(/is not normalized|percent-encode/);
    }
    expect(issues({ path: '/a b' })[0]?.message).toBe('"/a b" has characters Envoy would percent-encode; give the path as Envoy normalizes it');
    expect(request({ path: '/a%2Fb/%20x//y' }).request.path).toBe('/a%2Fb/%20x//y');
  });

  it('checks headers', () => {
    expect(issues({ headers: { ':path': '/x', 'X-A': '1', 'x-a': '2', 'bad name': 'v', 'x-b': [], 'x-c': 3 } })).toEqual([
      { field: 'headers.:path', message: 'pseudo-headers are set by "method", "path" and "host"' },
      { field: 'headers.x-a', message: 'repeats header "x-a" (names are case-insensitive); give repeated values as a list' },
      { field: 'headers.bad name', message: 'is not a valid header name' },
      { field: 'headers.x-b', message: 'must be a string or a non-empty list of strings, found a list' },
      { field: 'headers.x-c', message: 'must be a string or a non-empty list of strings, found number 3' },
    ]);
    expect(issues({ host: 'a', headers: { host: 'b' } })).toEqual([{ field: 'headers.host', message: '"b" disagrees with host "a"' }]);
  });

  it('checks the peer identity and its namespace', () => {
    expect(issues({ source: { principal: 'frontend' } })).toEqual([
      { field: 'source.principal', message: '"frontend" has no path; a workload identity looks like cluster.local/ns/<namespace>/sa/<service-account>' },
    ]);
    expect(issues({ source: { principal: 'Bad TD/ns/a' } })[0]?.message).toMatch(/^"Bad TD\/ns\/a" is not a SPIFFE ID: /);
    expect(issues({ source: { namespace: 'shop' } })).toEqual([
      { field: 'source.namespace', message: 'needs source.principal: Istio reads the namespace from the peer certificate' },
    ]);
    expect(issues({ source: { principal: 'td/ns/shop/sa/a', namespace: 'billing' } })).toEqual([
      { field: 'source.namespace', message: '"billing" is not the namespace of source.principal "td/ns/shop/sa/a"' },
    ]);
  });

  it('checks the JWT shorthand against the claims', () => {
    expect(issues({ auth: { principal: 'alice', audiences: 'orders', claims: [] } })).toEqual([
      { field: 'auth.claims', message: 'must be an object, found a list' },
      { field: 'auth.audiences', message: 'must be a list of strings, found string "orders"' },
      { field: 'auth.principal', message: '"alice" must be <iss>/<sub>' },
    ]);
    expect(issues({ auth: { principal: 'https://idp/alice', presenter: 'web', claims: { sub: 'bob', azp: 'cli' } } })).toEqual([
      { field: 'auth.principal', message: 'disagrees with auth.claims.sub ("bob")' },
      { field: 'auth.presenter', message: 'disagrees with auth.claims.azp ("cli")' },
    ]);
    expect(issues({ expect: 'allowed' })).toEqual([{ field: 'expect', message: 'must be "allow" or "deny", found "allowed"' }]);
  });
});
