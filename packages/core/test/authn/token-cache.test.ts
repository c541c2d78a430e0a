import { beforeAll, describe, expect, it } from '@jest/globals';
import { createRequestAuthenticator, type AuthnResult, type JwtRule } from '../../src/authn/index.js';
import { VerifiedTokenCache } from '../../src/authn/token-cache.js';
import { bearer, jwks, makeKey, mint, signRaw, sync, type TestKey } from './helpers/tokens.js';

// The verified-token cache: Envoy keeps one per provider (jwt_authn JwtCache, keyed by the token,
// re-checking time on a hit: authenticator.cc startVerify); ours never outlives `exp`, is bounded,
// and a hit is as strong as a verification (whole-token comparison, same keys, same location).

const ISS = 'https://idp.example.com';
let key: TestKey;
let rule: JwtRule;

beforeAll(async () => {
  key = await makeKey('RS256', 'k');
  rule = { issuer: ISS, jwks: JSON.stringify(jwks(key)) };
});

function authOf(r: AuthnResult): unknown {
  if (!r.ok) throw new Error(r.reason);
  return r.auth;
}

describe('verified-token cache in the authenticator', () => {
  it('answers a repeated token from the cache: the same frozen result', async () => {
    const authn = createRequestAuthenticator([rule]);
    const t = await mint(key, { iss: ISS, sub: 'a', exp: Math.floor(Date.now() / 1000) + 600 });
    const first = sync(authn.authenticate(bearer(t)));
    const second = sync(authn.authenticate(bearer(`${t}`)));
    expect(second).toBe(first);
    expect(authn.cacheSize).toBe(1);
  });

  it('never answers from the cache at or after exp; Envoy\'s 60 s skew still applies to a fresh verification [JVL verifyTimeConstraint]', async () => {
    let now = Date.UTC(2030, 0, 1);
    const exp = now / 1000 + 10;
    const authn = createRequestAuthenticator([rule], { clock: () => now });
    const t = await mint(key, { iss: ISS, sub: 'a', exp });
    const a = authOf(sync(authn.authenticate(bearer(t))));
    now += 9_999;
    expect(authOf(sync(authn.authenticate(bearer(t))))).toBe(a);
    now += 1; // at exp: the cache entry is gone, the token is verified again (inside the skew)
    const b = authOf(sync(authn.authenticate(bearer(t))));
    expect(b).not.toBe(a);
    now += 60_000; // exp + 60 s: still accepted (`now > exp + 60` refuses)
    expect(sync(authn.authenticate(bearer(t))).ok).toBe(true);
    now += 1_000;
    expect(sync(authn.authenticate(bearer(t)))).toMatchObject({ ok: false, reason: 'JWT_EXPIRED' });
  });

  it('keeps a token without exp for maxAgeMs at most', async () => {
    let now = Date.UTC(2030, 0, 1);
    const authn = createRequestAuthenticator([rule], { clock: () => now, cache: { maxAgeMs: 1000 } });
    const t = await mint(key, { iss: ISS, sub: 'a' });
    const a = authOf(sync(authn.authenticate(bearer(t))));
    now += 999;
    expect(authOf(sync(authn.authenticate(bearer(t))))).toBe(a);
    now += 1;
    expect(authOf(sync(authn.authenticate(bearer(t))))).not.toBe(a);
  });

  it('stays within maxEntries', async () => {
    const authn = createRequestAuthenticator([rule], { cache: { maxEntries: 10 } });
    for (let i = 0; i < 100; i++) sync(authn.authenticate(bearer(signRaw(key, { alg: 'RS256', kid: 'k' }, { iss: ISS, sub: `u${i}` }))));
    expect(authn.cacheSize).toBeLessThanOrEqual(10);
    expect(authn.cacheSize).toBeGreaterThan(0);
  });

  it('can be turned off', async () => {
    const authn = createRequestAuthenticator([rule], { cache: false });
    const t = await mint(key, { iss: ISS, sub: 'a' });
    const a = authOf(sync(authn.authenticate(bearer(t))));
    expect(authOf(sync(authn.authenticate(bearer(t))))).not.toBe(a);
    expect(authOf(sync(authn.authenticate(bearer(t))))).toEqual(a);
    expect(authn.cacheSize).toBe(0);
  });

  it('does not let a cached token pass at a location its rule does not read', async () => {
    const other = await makeKey('ES256', 'o');
    const authn = createRequestAuthenticator([
      { ...rule, fromHeaders: [{ name: 'x-a' }] },
      { issuer: 'https://b', jwks: JSON.stringify(jwks(other)) },
    ]);
    const t = await mint(key, { iss: ISS, sub: 'a' });
    expect(sync(authn.authenticate({ headers: { 'x-a': t } })).ok).toBe(true);
    expect(sync(authn.authenticate(bearer(t)))).toMatchObject({ ok: false, reason: 'JWT_UNKNOWN_ISSUER' });
  });

  it('extracts exactly as without the cache when junk follows a cached token [EXT extractJWT]', async () => {
    const authn = createRequestAuthenticator([rule]);
    const t = await mint(key, { iss: ISS, sub: 'a' });
    sync(authn.authenticate(bearer(t)));
    expect(sync(authn.authenticate({ headers: { authorization: `Bearer ${t}, more` } })).ok).toBe(true);
    // The extra character makes the signature segment either too long for its key or a spelling
    // with non-zero pad bits: refused either way, never served from the cache.
    const junk = sync(authn.authenticate({ headers: { authorization: `Bearer ${t}x` } }));
    expect(junk.ok).toBe(false);
    expect(['JWT_SIGNATURE_INVALID', 'JWT_BAD_BASE64']).toContain(junk.ok ? 'accepted' : junk.reason);
  });
});

describe('VerifiedTokenCache', () => {
  const tail = 'S'.repeat(24);

  it('confirms a hit on the whole token: same tail, other token is a miss', () => {
    const cache = new VerifiedTokenCache<string>(100);
    cache.set(`aaa.bbb.${tail}`, 'good', Date.now() + 60_000);
    expect(cache.get(`aaa.bbb.${tail}`, Date.now())).toBe('good');
    expect(cache.get(`aaa.EVIL.${tail}`, Date.now())).toBeUndefined();
    expect(cache.has(`aaa.EVIL.${tail}`)).toBe(false);
  });

  it('drops entries at expiresAtMs', () => {
    const cache = new VerifiedTokenCache<string>(100);
    cache.set('t1234567890123456789012345', 'v', 1000);
    expect(cache.get('t1234567890123456789012345', 999)).toBe('v');
    expect(cache.get('t1234567890123456789012345', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never holds more than maxEntries, and keeps a hot entry through rotations', () => {
    const cache = new VerifiedTokenCache<number>(100);
    cache.set('hot-token-000000000000000000000', 0, Infinity);
    for (let i = 0; i < 10_000; i++) {
      cache.set(`cold-${i}-${'x'.repeat(30)}`, i, Infinity);
      expect(cache.size).toBeLessThanOrEqual(100);
      if (i % 25 === 0) expect(cache.get('hot-token-000000000000000000000', 0)).toBe(0);
    }
    expect(cache.get('hot-token-000000000000000000000', 0)).toBe(0);
    expect(cache.get(`cold-0-${'x'.repeat(30)}`, 0)).toBeUndefined();
  });

  it('clears', () => {
    const cache = new VerifiedTokenCache<number>(10);
    cache.set('a', 1, Infinity);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
