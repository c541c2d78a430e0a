import { beforeAll, describe, expect, it } from '@jest/globals';
import { applyAuthnMutations, createRequestAuthenticator, type AuthnResult, type JwtRule } from '../../src/authn/index.js';
import { bearer, jwks, makeKey, mint, nowSec, rawToken, sync, type TestKey } from './helpers/tokens.js';

// Expectations cite: [EXT] envoy jwt_authn/extractor.cc, [AUTH] authenticator.cc, [FILTER] filter.cc,
// [VER] verifier.cc, [JVL] google/jwt_verify_lib, [APPLIER] istio policy_applier.go,
// [IT] istio tests/integration/security/jwt_test.go — as summarised in reference/request-authentication.md.

const ISS = 'https://idp.example.com';
const ISS_B = 'https://other.example.com';
let rsa: TestKey;
let rsa2: TestKey;
let other: TestKey;
let hmac: TestKey;

beforeAll(async () => {
  rsa = await makeKey('RS256', 'rsa-1');
  rsa2 = await makeKey('RS256', 'rsa-2');
  other = await makeKey('ES256', 'es-1');
  hmac = await makeKey('HS256', 'hs-1');
});

function rule(extra: Partial<JwtRule> = {}, keys: TestKey[] = [rsa]): JwtRule {
  return { issuer: ISS, jwks: JSON.stringify(jwks(...keys)), ...extra };
}

function expectRefused(r: AuthnResult, status: 401 | 403, reason: string): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.status).toBe(status);
  expect(r.reason).toBe(reason);
}

describe('createRequestAuthenticator: outcomes [FILTER][reference §3]', () => {
  it('passes a request with no token, synchronously and without a principal', () => {
    const authn = createRequestAuthenticator([rule()]);
    const r = sync(authn.authenticate({ method: 'GET', url: '/', headers: { host: 'a' } }));
    expect(r).toMatchObject({ ok: true, status: 200, auth: undefined, preflight: false });
  });

  it('verifies a valid token synchronously: principal iss/sub, claims, audiences, presenter', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const t = await mint(rsa, { iss: ISS, sub: 'alice', aud: 'orders', azp: 'web-client', exp: nowSec() + 600, scope: 'read write' });
    const r = sync(authn.authenticate(bearer(t)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.auth).toMatchObject({ principal: `${ISS}/alice`, issuer: ISS, subject: 'alice', audiences: ['orders'], presenter: 'web-client', rule: 0 });
    expect(r.auth?.claims['scope']).toBe('read write');
    expect(r.auth?.spaceDelimitedClaims.has('scope')).toBe(true);
    expect(r.auth?.spaceDelimitedClaims.has('permission')).toBe(true);
    expect(Object.isFrozen(r.auth?.claims)).toBe(true);
  });

  it('gives no principal when sub is missing or empty [AUTHZ reference §9]', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const r1 = sync(authn.authenticate(bearer(await mint(rsa, { iss: ISS }))));
    const r2 = sync(authn.authenticate(bearer(await mint(rsa, { iss: ISS, sub: '' }))));
    expect(r1.ok && r1.auth?.principal).toBeUndefined();
    expect(r2.ok && r2.auth?.principal).toBeUndefined();
    expect(r1.ok && r1.auth?.issuer).toBe(ISS);
  });

  it('answers 401 with the RFC 6750 challenge and Envoy body for a bad token [FILTER]', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const r = sync(authn.authenticate({ method: 'GET', url: '/api/orders?id=1', headers: { host: 'orders.shop:8080', authorization: 'Bearer not-a-jwt' } }));
    expectRefused(r, 401, 'JWT_BAD_FORMAT');
    if (r.ok) return;
    expect(r.message).toBe('Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections');
    expect(r.headers['www-authenticate']).toBe('Bearer realm="http://orders.shop:8080/api/orders?id=1", error="invalid_token"');
  });

  it('uses the request scheme and cuts the realm path to 256 characters [FILTER]', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const long = `/${'a'.repeat(400)}`;
    const r = sync(authn.authenticate({ method: 'GET', scheme: 'https', url: long, headers: { host: 'h', authorization: 'Bearer x' } }));
    if (r.ok) throw new Error('expected a refusal');
    expect(r.headers['www-authenticate']).toBe(`Bearer realm="https://h${long.slice(0, 256)}", error="invalid_token"`);
  });

  it('answers 403 for an audience mismatch and 401 for an expired token [FILTER, JVL status]', async () => {
    const authn = createRequestAuthenticator([rule({ audiences: ['orders'] })]);
    const aud = sync(authn.authenticate(bearer(await mint(rsa, { iss: ISS, sub: 'a', aud: 'billing' }))));
    expectRefused(aud, 403, 'JWT_AUDIENCE_NOT_ALLOWED');
    if (!aud.ok) expect(aud.message).toBe('Audiences in Jwt are not allowed');
    const expired = sync(authn.authenticate(bearer(await mint(rsa, { iss: ISS, sub: 'a', aud: 'orders', exp: nowSec() - 120 }))));
    expectRefused(expired, 401, 'JWT_EXPIRED');
  });

  it('checks time and audience before the signature: a forged token with a wrong aud gets 403 [AUTH startVerify]', async () => {
    const authn = createRequestAuthenticator([rule({ audiences: ['orders'] })]);
    const forged = await mint(other, { iss: ISS, sub: 'a', aud: 'billing' }, { kid: 'rsa-1' });
    expectRefused(sync(authn.authenticate(bearer(forged))), 403, 'JWT_AUDIENCE_NOT_ALLOWED');
    const forgedExpired = await mint(other, { iss: ISS, sub: 'a', aud: 'orders', exp: nowSec() - 3600 }, { kid: 'rsa-1' });
    expectRefused(sync(authn.authenticate(bearer(forgedExpired))), 401, 'JWT_EXPIRED');
  });

  it('refuses a token whose iss no rule has as JWT_UNKNOWN_ISSUER, not as missing [VER][reference §1]', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const r = sync(authn.authenticate(bearer(await mint(rsa, { iss: 'https://evil', sub: 'a' }))));
    expectRefused(r, 401, 'JWT_UNKNOWN_ISSUER');
    // A token without iss matches no configured issuer either.
    expectRefused(sync(authn.authenticate(bearer(await mint(rsa, { sub: 'a' })))), 401, 'JWT_UNKNOWN_ISSUER');
    // Exact, case-sensitive comparison: a trailing slash is another issuer [JVL jwt.cc].
    expectRefused(sync(authn.authenticate(bearer(await mint(rsa, { iss: `${ISS}/`, sub: 'a' })))), 401, 'JWT_UNKNOWN_ISSUER');
  });

  it('lets a CORS preflight through untouched, even with an expired token [IT CORS]', async () => {
    const authn = createRequestAuthenticator([rule({ outputPayloadToHeader: 'x-payload' })]);
    const expired = await mint(rsa, { iss: ISS, sub: 'a', exp: nowSec() - 3600 });
    const r = sync(
      authn.authenticate({ method: 'OPTIONS', url: '/', headers: { host: 'h', origin: 'https://app', 'access-control-request-method': 'POST', authorization: `Bearer ${expired}`, 'x-payload': 'forged' } }),
    );
    expect(r).toMatchObject({ ok: true, preflight: true, auth: undefined, mutations: { remove: [], set: {} } });
    // Without Access-Control-Request-Method it is an ordinary OPTIONS request.
    expectRefused(sync(authn.authenticate({ method: 'OPTIONS', url: '/', headers: { host: 'h', origin: 'https://app', authorization: `Bearer ${expired}` } })), 401, 'JWT_EXPIRED');
  });
});

describe('token locations [EXT][reference §2]', () => {
  it('reads Authorization "Bearer " and ?access_token by default', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const t = await mint(rsa, { iss: ISS, sub: 'a' });
    expect(sync(authn.authenticate({ url: `/x?access_token=${t}`, headers: { host: 'h' } })).ok).toBe(true);
  });

  it('treats a value without the prefix as no token: Basic, lower-case bearer [EXTTEST TestPrefixHeaderNotMatch]', () => {
    const authn = createRequestAuthenticator([rule()]);
    for (const value of ['Basic dXNlcjpwYXNz', 'bearer a.b.c', 'Token a.b.c']) {
      expect(sync(authn.authenticate({ headers: { host: 'h', authorization: value } }))).toMatchObject({ ok: true, auth: undefined });
    }
  });

  it('finds the prefix anywhere in the value and takes the base64url run after it [EXT extractJWT]', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const t = await mint(rsa, { iss: ISS, sub: 'a' });
    expect(sync(authn.authenticate({ headers: { host: 'h', authorization: `Foo, Bearer   ${t}, trailing` } })).ok).toBe(true);
    // "Bearer " with nothing after it: the whole value is the token, which is malformed.
    expectRefused(sync(authn.authenticate({ headers: { host: 'h', authorization: 'Bearer ' } })), 401, 'JWT_BAD_FORMAT');
  });

  it('setting any from* replaces the defaults [EXT addProvider, EXTTEST TestCookieTokenAndDefault]', async () => {
    const t = await mint(rsa, { iss: ISS, sub: 'a' });
    const onlyParams = createRequestAuthenticator([rule({ fromParams: ['token'] })]);
    expect(sync(onlyParams.authenticate(bearer(t)))).toMatchObject({ ok: true, auth: undefined });
    expect(sync(onlyParams.authenticate({ url: `/?access_token=${t}`, headers: {} }))).toMatchObject({ ok: true, auth: undefined });
    expect(sync(onlyParams.authenticate({ url: `/?token=${t}`, headers: {} })).ok && true).toBe(true);
    const onlyCookies = createRequestAuthenticator([rule({ fromCookies: ['session'] })]);
    expect(sync(onlyCookies.authenticate(bearer(t)))).toMatchObject({ ok: true, auth: undefined });
    const r = sync(onlyCookies.authenticate({ headers: { cookie: `a=b; session="${t}"` } }));
    expect(r.ok && r.auth?.subject).toBe('a');
  });

  it('takes a header without prefix whole: "Bearer " is not stripped [EXT]', async () => {
    const authn = createRequestAuthenticator([rule({ fromHeaders: [{ name: 'X-Jwt' }] })]);
    const t = await mint(rsa, { iss: ISS, sub: 'a' });
    expect(sync(authn.authenticate({ headers: { 'x-jwt': t } })).ok).toBe(true);
    // The header segment "Bearer eyJ..." is not base64url [JVL JwtHeaderParseErrorBadBase64].
    expectRefused(sync(authn.authenticate({ headers: { 'x-jwt': `Bearer ${t}` } })), 401, 'JWT_BAD_BASE64');
  });

  it('refuses a present but empty query parameter [EXT parseAndDecodeQueryString]', () => {
    const authn = createRequestAuthenticator([rule()]);
    expectRefused(sync(authn.authenticate({ url: '/x?access_token=', headers: {} })), 401, 'JWT_BAD_FORMAT');
  });

  it('percent-decodes query parameters', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const t = await mint(rsa, { iss: ISS, sub: 'a' });
    expect(sync(authn.authenticate({ url: `/x?access_token=${t.replace(/\./g, '%2E')}`, headers: {} })).ok).toBe(true);
  });
});

describe('several tokens and several rules [VER][reference §1, §10]', () => {
  it('requires every token present to verify [AUTH doneWithStatus, IT invalid-token-set]', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const good = await mint(rsa, { iss: ISS, sub: 'a' });
    expect(sync(authn.authenticate({ url: `/?access_token=${good}`, headers: { authorization: `Bearer ${good}` } })).ok).toBe(true);
    expectRefused(sync(authn.authenticate({ url: '/?access_token=garbage', headers: { authorization: `Bearer ${good}` } })), 401, 'JWT_BAD_FORMAT');
  });

  it('chooses the rule by iss among rules sharing a location', async () => {
    const authn = createRequestAuthenticator([rule(), { issuer: ISS_B, jwks: JSON.stringify(jwks(other)) }]);
    const b = sync(authn.authenticate(bearer(await mint(other, { iss: ISS_B, sub: 'bob' }))));
    expect(b.ok && b.auth?.principal).toBe(`${ISS_B}/bob`);
    // Keys are bound to issuers: iss=B signed with A's key is checked against B's keys only.
    expectRefused(sync(authn.authenticate(bearer(await mint(rsa, { iss: ISS_B, sub: 'bob' })))), 401, 'JWKS_NO_MATCHING_KEY');
    // An expired B token: the real error, not "unknown issuer".
    expectRefused(sync(authn.authenticate(bearer(await mint(other, { iss: ISS_B, sub: 'b', exp: nowSec() - 3600 })))), 401, 'JWT_EXPIRED');
    expectRefused(sync(authn.authenticate(bearer(await mint(other, { iss: 'https://c', sub: 'c' })))), 401, 'JWT_UNKNOWN_ISSUER');
  });

  it('a token in a location only another issuer reads is refused; with only its own rule it is ignored [reference §10]', async () => {
    const a = rule({ fromHeaders: [{ name: 'x-a-token' }] });
    const b: JwtRule = { issuer: ISS_B, jwks: JSON.stringify(jwks(other)) };
    const aToken = await mint(rsa, { iss: ISS, sub: 'a' });
    expectRefused(sync(createRequestAuthenticator([a, b]).authenticate(bearer(aToken))), 401, 'JWT_UNKNOWN_ISSUER');
    expect(sync(createRequestAuthenticator([a]).authenticate(bearer(aToken)))).toMatchObject({ ok: true, auth: undefined });
  });

  it('refuses a valid token for one rule plus garbage at another rule\'s location (the secure choice) [reference §10]', async () => {
    const a = rule({ fromHeaders: [{ name: 'x-a-token' }] });
    const b: JwtRule = { issuer: ISS_B, jwks: JSON.stringify(jwks(other)) };
    const authn = createRequestAuthenticator([a, b]);
    const aToken = await mint(rsa, { iss: ISS, sub: 'a' });
    expectRefused(sync(authn.authenticate({ headers: { 'x-a-token': aToken, authorization: 'Bearer garbage' } })), 401, 'JWT_BAD_FORMAT');
  });

  it('tries every rule with the same issuer (duplicates are not merged) [APPLIER istio#19245]', async () => {
    const authn = createRequestAuthenticator([rule({}, [rsa]), rule({}, [rsa2])]);
    expect(sync(authn.authenticate(bearer(await mint(rsa2, { iss: ISS, sub: 'x' })))).ok).toBe(true);
    expect(sync(authn.authenticate(bearer(await mint(rsa, { iss: ISS, sub: 'x' })))).ok).toBe(true);
  });

  it('a rule without issuer (jwksUri only) accepts any iss [EXT JwtIssuerChecker]', async () => {
    const authn = createRequestAuthenticator([{ issuer: '', jwksUri: 'http://127.0.0.1:9/unused', jwks: JSON.stringify(jwks(rsa)) }]);
    const r = sync(authn.authenticate(bearer(await mint(rsa, { iss: 'https://anyone', sub: 'x' }))));
    expect(r.ok && r.auth?.principal).toBe('https://anyone/x');
    authn.close();
  });

  it('sorts rules by issuer as istiod does and reports the verifying rule [APPLIER]', async () => {
    const authn = createRequestAuthenticator([{ issuer: 'https://z', jwks: JSON.stringify(jwks(other)) }, rule()]);
    expect(authn.rules.map((r) => r.issuer)).toEqual([ISS, 'https://z']);
    const r = sync(authn.authenticate(bearer(await mint(other, { iss: 'https://z', sub: 'x' }))));
    expect(r.ok && r.auth?.rule).toBe(1);
  });

  it('publishes the first extracted token when several verify [reference §4]', async () => {
    const authn = createRequestAuthenticator([rule()]);
    const h = await mint(rsa, { iss: ISS, sub: 'from-header' });
    const p = await mint(rsa, { iss: ISS, sub: 'from-param' });
    const r = sync(authn.authenticate({ url: `/x?access_token=${p}&y=1`, headers: { authorization: `Bearer ${h}` } }));
    expect(r.ok && r.auth?.subject).toBe('from-header');
    expect(r.ok && r.mutations.url).toBe('/x?y=1');
    expect(r.ok && r.mutations.remove).toContain('authorization');
  });
});

describe('keys [JVL verify.cc][reference §6]', () => {
  it('tries every key when the token has no kid', async () => {
    const authn = createRequestAuthenticator([rule({}, [rsa, rsa2])]);
    expect(sync(authn.authenticate(bearer(await mint(rsa2, { iss: ISS, sub: 'x' }, { kid: null })))).ok).toBe(true);
  });

  it('uses only the key named by kid, without fallback', async () => {
    const authn = createRequestAuthenticator([rule({}, [rsa, rsa2])]);
    expectRefused(sync(authn.authenticate(bearer(await mint(rsa2, { iss: ISS, sub: 'x' }, { kid: 'rsa-1' })))), 401, 'JWT_SIGNATURE_INVALID');
    expectRefused(sync(authn.authenticate(bearer(await mint(rsa2, { iss: ISS, sub: 'x' }, { kid: 'nope' })))), 401, 'JWKS_NO_MATCHING_KEY');
  });

  it('lets a JWK without kid match any token kid', async () => {
    const noKid = { ...rsa, jwk: { ...rsa.jwk, kid: undefined } };
    const authn = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify({ keys: [noKid.jwk] }) }]);
    expect(sync(authn.authenticate(bearer(await mint(rsa, { iss: ISS, sub: 'x' }, { kid: 'whatever' })))).ok).toBe(true);
  });

  it('binds a key to its JWK alg: an RS256 token finds no PS256 key', async () => {
    const ps = { issuer: ISS, jwks: JSON.stringify({ keys: [{ ...rsa.jwk, alg: 'PS256' }] }) };
    expectRefused(sync(createRequestAuthenticator([ps]).authenticate(bearer(await mint(rsa, { iss: ISS, sub: 'x' })))), 401, 'JWKS_NO_MATCHING_KEY');
  });

  it('verifies HS256 with an inline oct key [reference §6]', async () => {
    const authn = createRequestAuthenticator([rule({}, [hmac])]);
    expect(sync(authn.authenticate(bearer(await mint(hmac, { iss: ISS, sub: 'svc' })))).ok).toBe(true);
  });

  it('refuses every token when the set has no usable key, and passes token-less requests [JVL JwksNoValidKeys]', async () => {
    const authn = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }] }) }]);
    expectRefused(sync(authn.authenticate(bearer(await mint(rsa, { iss: ISS, sub: 'x' })))), 401, 'JWKS_NO_VALID_KEYS');
    expect(sync(authn.authenticate({ headers: {} })).ok).toBe(true);
  });
});

describe('header mutations [AUTH handleGoodJwt][EXT sanitizeHeaders][reference §8]', () => {
  it('removes the token header unless forwardOriginalToken [IT valid-token-noauthz, forward]', async () => {
    const t = await mint(rsa, { iss: ISS, sub: 'a' });
    const r = sync(createRequestAuthenticator([rule()]).authenticate(bearer(t)));
    expect(r.ok && r.mutations.remove).toEqual(['authorization']);
    const f = sync(createRequestAuthenticator([rule({ forwardOriginalToken: true })]).authenticate(bearer(t)));
    expect(f.ok && f.mutations.remove).toEqual([]);
  });

  it('removes a query-parameter token from the request target, keeping other parameters [EXT JwtParamLocation::removeJwt]', async () => {
    const t = await mint(rsa, { iss: ISS, sub: 'a' });
    const r = sync(createRequestAuthenticator([rule()]).authenticate({ url: `/p?a=1&access_token=${t}&b=%20`, headers: {} }));
    expect(r.ok && r.mutations.url).toBe('/p?a=1&b=%20');
    const kept = sync(createRequestAuthenticator([rule({ forwardOriginalToken: true })]).authenticate({ url: `/p?access_token=${t}`, headers: {} }));
    expect(kept.ok && kept.mutations.url).toBeUndefined();
  });

  it('never removes a cookie token [EXT JwtCookieLocation]', async () => {
    const t = await mint(rsa, { iss: ISS, sub: 'a' });
    const r = sync(createRequestAuthenticator([rule({ fromCookies: ['s'] })]).authenticate({ headers: { cookie: `s=${t}` } }));
    expect(r.ok && r.mutations).toEqual({ remove: [], set: {}, url: undefined });
  });

  it('writes the payload segment byte for byte and claims as Envoy formats them [IT X-Test-Payload][AUTH addJWTClaimToHeader]', async () => {
    const authn = createRequestAuthenticator([
      rule({
        outputPayloadToHeader: 'X-Test-Payload',
        outputClaimToHeaders: [
          { header: 'x-sub', claim: 'sub' },
          { header: 'x-admin', claim: 'admin' },
          { header: 'x-n', claim: 'n' },
          { header: 'x-f', claim: 'f' },
          { header: 'x-team', claim: 'org.team' },
          { header: 'x-missing', claim: 'nope' },
          { header: 'x-list', claim: 'groups' },
        ],
      }),
    ]);
    const t = await mint(rsa, { iss: ISS, sub: 'alice', admin: true, n: 42, f: 1.5, org: { team: 'core' }, groups: ['a', 'b'] });
    const r = sync(authn.authenticate(bearer(t)));
    if (!r.ok) throw new Error(r.message);
    expect(r.mutations.set).toEqual({
      'x-test-payload': t.split('.')[1],
      'x-sub': 'alice',
      'x-admin': 'true',
      'x-n': '42',
      'x-f': '1.500000',
      'x-team': 'core',
      'x-list': Buffer.from('["a","b"]').toString('base64'),
    });
  });

  it('strips client-supplied output headers on every request, even without a token [EXT sanitizeHeaders]', async () => {
    const authn = createRequestAuthenticator([rule({ outputPayloadToHeader: 'x-payload', outputClaimToHeaders: [{ header: 'x-sub', claim: 'sub' }] })]);
    const req = { method: 'GET', url: '/', headers: { host: 'h', 'x-payload': 'forged', 'x-sub': 'admin' } as Record<string, string> };
    const r = sync(authn.authenticate(req));
    expect(r.ok && [...r.mutations.remove].sort()).toEqual(['x-payload', 'x-sub']);
    if (r.ok) applyAuthnMutations(req, r.mutations);
    expect(req.headers).toEqual({ host: 'h' });
  });

  it('applies removals, then additions, then the new target', async () => {
    const authn = createRequestAuthenticator([rule({ outputClaimToHeaders: [{ header: 'x-sub', claim: 'sub' }] })]);
    const t = await mint(rsa, { iss: ISS, sub: 'alice' });
    const req = { url: `/x?access_token=${t}`, headers: { host: 'h', 'x-sub': 'forged' } as Record<string, string> };
    const r = sync(authn.authenticate(req));
    if (r.ok) applyAuthnMutations(req, r.mutations);
    expect(req).toEqual({ url: '/x', headers: { host: 'h', 'x-sub': 'alice' } });
  });
});

describe('sanity of refusals', () => {
  it('refuses a token longer than maxTokenBytes before parsing', () => {
    const authn = createRequestAuthenticator([rule()], { maxTokenBytes: 100 });
    expectRefused(sync(authn.authenticate(bearer(rawToken({ alg: 'RS256' }, { iss: ISS, pad: 'x'.repeat(200) })))), 401, 'JWT_TOO_LARGE');
  });

  it('returns the same frozen result object for every token-less request (no allocation)', () => {
    const authn = createRequestAuthenticator([rule()]);
    const a = authn.authenticate({ headers: {} });
    expect(authn.authenticate({ headers: { host: 'x' } })).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
