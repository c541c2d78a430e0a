import { describe, expect, it } from '@jest/globals';
import { cookies, percentDecode, queryParams, tokenAfter, TokenExtractor } from '../../src/authn/extract-token.js';

// envoy source/extensions/filters/http/jwt_authn/extractor.cc and test/.../extractor_test.cc [EXTTEST].

describe('TokenExtractor: locations', () => {
  it('uses Authorization "Bearer " and access_token when no from* is set [EXT addProvider]', () => {
    const x = new TokenExtractor([{ issuer: 'a' }]);
    expect(x.locations.map((l) => [l.kind, l.name, l.prefix])).toEqual([
      ['header', 'authorization', 'Bearer '],
      ['param', 'access_token', ''],
    ]);
  });

  it('orders headers by name+prefix, then params, then cookies, and merges rules per location [EXT std::map]', () => {
    const x = new TokenExtractor([
      { issuer: 'a', fromHeaders: [{ name: 'X-B' }, { name: 'x-a', prefix: 'T ' }], fromCookies: ['z', 'c'] },
      { issuer: 'b', fromHeaders: [{ name: 'x-b' }], fromParams: ['q'] },
    ]);
    expect(x.locations.map((l) => `${l.kind}:${l.name}:${l.prefix}:${l.rules.join('')}`)).toEqual([
      'header:x-a:T :0',
      'header:x-b::01',
      'param:q::1',
      'cookie:c::0',
      'cookie:z::0',
    ]);
  });

  it('returns the same empty array for a request without tokens', () => {
    const x = new TokenExtractor([{ issuer: 'a' }]);
    expect(x.extract({}, '/')).toBe(x.extract({ host: 'h' }, '/p'));
  });

  it('reads each element of an array header value', () => {
    const x = new TokenExtractor([{ issuer: 'a', fromHeaders: [{ name: 'x-jwt' }] }]);
    expect(x.extract({ 'x-jwt': ['a.b.c', 'd.e.f'] }, '/').map((f) => f.token)).toEqual(['a.b.c', 'd.e.f']);
  });
});

describe('tokenAfter [EXT extractJWT]', () => {
  it('skips to the first base64url character and stops at the first other one', () => {
    expect(tokenAfter('Bearer abc.DEF-_.0', 7)).toBe('abc.DEF-_.0');
    expect(tokenAfter('Bearer   "abc.d.e", x', 7)).toBe('abc.d.e');
    expect(tokenAfter('x Bearer a.b.c', 9)).toBe('a.b.c');
  });

  it('returns the whole value when nothing follows [EXT backwards compatibility]', () => {
    expect(tokenAfter('Bearer ', 7)).toBe('Bearer ');
    expect(tokenAfter('Bearer  ,;', 7)).toBe('Bearer  ,;');
  });
});

describe('query parameters and cookies', () => {
  it('takes the first occurrence, decodes, gives "" for a bare name', () => {
    const m = queryParams('/p?t=1&t=2&u&v=%41%zz#frag', new Set(['t', 'u', 'v']));
    expect(Object.fromEntries(m)).toEqual({ t: '1', u: '', v: 'A%zz' });
  });

  it('does not turn + into a space [Envoy PercentEncoding::decode]', () => {
    expect(percentDecode('a+b%2Bc')).toBe('a+b+c');
  });

  it('decodes cookies: trimmed, first wins, quotes removed [Envoy parseCookies]', () => {
    const m = cookies(['a=1;  s="x.y.z"', 's=second'], new Set(['s', 'a']));
    expect(Object.fromEntries(m)).toEqual({ a: '1', s: 'x.y.z' });
  });
});
