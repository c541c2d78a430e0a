import { describe, expect, it } from '@jest/globals';
import { compileAudiences, sanitizeAudience } from '../../src/authn/audiences.js';
import { bearerRealm, wwwAuthenticate } from '../../src/authn/challenge.js';
import { checkTime, readRegisteredClaims, type RegisteredClaims } from '../../src/authn/claims.js';
import { jwksTimeoutMs, parseGoDuration } from '../../src/authn/duration.js';
import { claimHeaderValue, numberClaimString, removeQueryParam } from '../../src/authn/outputs.js';
import { hasDuplicateMember, parseJsonObject } from '../../src/authn/strict-json.js';
import { decodeBase64Url } from '../../src/authn/base64url.js';

describe('audiences [JVL check_audience.cc]', () => {
  it('sanitises a scheme and one trailing slash', () => {
    expect(sanitizeAudience('https://api.example.com/')).toBe('api.example.com');
    expect(sanitizeAudience('http://api.example.com')).toBe('api.example.com');
    expect(sanitizeAudience('api.example.com//')).toBe('api.example.com/');
    expect(sanitizeAudience('HTTPS://x')).toBe('HTTPS://x');
    expect(sanitizeAudience('')).toBe('');
  });

  it('matches any against any, case-sensitively, with no prefix matching', () => {
    const c = compileAudiences(['https://api.example.com/', 'billing']);
    expect(c?.allows(['api.example.com'])).toBe(true);
    expect(c?.allows(['x', 'http://billing/'])).toBe(true);
    expect(c?.allows(['API.example.com'])).toBe(false);
    expect(c?.allows(['api.example.com.evil'])).toBe(false);
    expect(c?.allows([])).toBe(false);
  });

  it('is no check at all when no audience is configured [APPLIER]', () => {
    expect(compileAudiences([])).toBeUndefined();
    expect(compileAudiences(undefined)).toBeUndefined();
  });
});

describe('time [JVL verifyTimeConstraint]', () => {
  const base = readRegisteredClaims({}) as RegisteredClaims;
  it('applies 60 s of skew to nbf and exp, exp 0 meaning none', () => {
    expect(checkTime({ ...base, exp: 1000 }, 1060)).toBe('ok');
    expect(checkTime({ ...base, exp: 1000 }, 1061)).toBe('expired');
    expect(checkTime({ ...base, nbf: 1000 }, 940)).toBe('ok');
    expect(checkTime({ ...base, nbf: 1000 }, 939)).toBe('not-yet-valid');
    expect(checkTime({ ...base, exp: 0 }, 4e9)).toBe('ok');
    expect(checkTime({ ...base, iat: 5e9 }, 1)).toBe('ok');
  });
});

describe('claim types [JVL jwt.cc]', () => {
  it('reads aud as a list and truncates times', () => {
    expect(readRegisteredClaims({ aud: 'a', exp: 10.9 })).toMatchObject({ audiences: ['a'], exp: 10 });
    expect(readRegisteredClaims({ aud: [] })).toMatchObject({ audiences: [] });
  });
});

describe('claim headers [AUTH addJWTClaimToHeader, convertClaimDoubleToString]', () => {
  it('formats values as Envoy does', () => {
    expect(claimHeaderValue('x')).toBe('x');
    expect(claimHeaderValue('')).toBeUndefined();
    expect(claimHeaderValue(false)).toBe('false');
    expect(claimHeaderValue(null)).toBeUndefined();
    expect(claimHeaderValue({ a: 1 })).toBe(Buffer.from('{"a":1}').toString('base64'));
    expect(numberClaimString(0)).toBe('0');
    expect(numberClaimString(2 ** 60)).toBe('1152921504606846976');
    expect(numberClaimString(-2)).toBe('-2.000000');
    expect(numberClaimString(0.1)).toBe('0.100000');
    expect(numberClaimString(1e300).endsWith('.000000')).toBe(true);
  });

  it('writes nothing for a value that could inject headers', () => {
    expect(claimHeaderValue('a\r\nx-admin: true')).toBeUndefined();
  });

  it('removes a parameter from the request target, every occurrence', () => {
    expect(removeQueryParam('/a?t=1&x=2&t=3#f', 't')).toBe('/a?x=2#f');
    expect(removeQueryParam('/a?t=1', 't')).toBe('/a');
    expect(removeQueryParam('/a', 't')).toBe('/a');
    expect(removeQueryParam('/a?%74=1&y', 't')).toBe('/a?y');
  });
});

describe('challenge [FILTER][RFC 6750 §3]', () => {
  it('builds the realm and escapes what a quoted-string cannot hold', () => {
    expect(bearerRealm('http', 'h', '/p')).toBe('http://h/p');
    expect(wwwAuthenticate('http://h/"\\\r\n', true)).toBe('Bearer realm="http://h/\\"\\\\", error="invalid_token"');
    expect(wwwAuthenticate('http://h/', false)).toBe('Bearer realm="http://h/"');
  });
});

describe('durations [istio agent.ValidateDuration]', () => {
  it('parses Go durations', () => {
    expect(parseGoDuration('1h2m3.5s')).toBe(3723.5e9);
    expect(parseGoDuration('10ms')).toBe(1e7);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('5')).toBeUndefined();
    expect(parseGoDuration('s')).toBeUndefined();
    expect(parseGoDuration('1d')).toBeUndefined();
  });

  it('requires at least 1 ms at ms precision', () => {
    expect(jwksTimeoutMs('10ms')).toEqual({ ms: 10 });
    expect(jwksTimeoutMs('1.5s')).toEqual({ ms: 1500 });
    expect(jwksTimeoutMs('500us')).toEqual({ error: 'duration must be greater than 1ms' });
    expect(jwksTimeoutMs('1500us')).toEqual({ error: 'only durations to ms precision are supported' });
    expect(jwksTimeoutMs('-1s')).toEqual({ error: 'duration must be greater than 1ms' });
  });
});

describe('strict JSON and base64url', () => {
  it('finds duplicate members in any object, after unescaping, ignoring strings that look like keys', () => {
    expect(hasDuplicateMember('{"a":1,"b":{"a":2}}')).toBe(false);
    expect(hasDuplicateMember('{"a":"\\"a\\":1","b":["a","a"]}')).toBe(false);
    expect(hasDuplicateMember('{"a":1,"\\u0061":2}')).toBe(true);
    expect(hasDuplicateMember('[{"x":1},{"x":1,"x":2}]')).toBe(true);
    expect(parseJsonObject(Buffer.from('"str"'))).toEqual({ ok: false, why: 'invalid' });
    expect(parseJsonObject(Buffer.from('null'))).toEqual({ ok: false, why: 'invalid' });
  });

  it('accepts the URL-safe alphabet with optional correct padding only', () => {
    expect(decodeBase64Url('YQ')?.toString()).toBe('a');
    expect(decodeBase64Url('YQ==')?.toString()).toBe('a');
    expect(decodeBase64Url('YQ=')).toBeUndefined();
    expect(decodeBase64Url('Y')).toBeUndefined();
    expect(decodeBase64Url('a+b/')).toBeUndefined();
    expect(decodeBase64Url('Y Q')).toBeUndefined();
    // 'YR' decodes to 'a' as well under a lenient decoder: its unused bits are not zero.
    expect(decodeBase64Url('YR')).toBeUndefined();
    expect(decodeBase64Url('YWI')?.toString()).toBe('ab');
    expect(decodeBase64Url('YWJ')).toBeUndefined();
  });
});
