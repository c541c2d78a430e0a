import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createRequestAuthenticator, type AuthnResult, type RequestAuthenticator } from '../../src/authn/index.js';
import { parseJwt } from '../../src/authn/jwt-parse.js';
import { b64, jwks, makeKey, mint, type TestKey } from './helpers/tokens.js';

// Properties: whatever arrives in headers, query or cookies, authentication never throws and only
// ever answers pass, 401 or 403 (403 only for an audience mismatch, reference §3); and no token
// other than the signed bytes is ever accepted.

const ISS = 'https://idp.example.com';
let key: TestKey;
let hmac: TestKey;
let authn: RequestAuthenticator;
let valid: string;
let validHs: string;

beforeAll(async () => {
  key = await makeKey('ES256', 'k1');
  hmac = await makeKey('HS256', 'h1');
  authn = createRequestAuthenticator(
    [
      { issuer: ISS, jwks: JSON.stringify(jwks(key)), audiences: ['orders'], outputClaimToHeaders: [{ header: 'x-sub', claim: 'sub' }] },
      { issuer: 'https://b', jwks: JSON.stringify(jwks(hmac)), fromHeaders: [{ name: 'x-jwt', prefix: 'Token ' }], fromParams: ['t'], fromCookies: ['s'] },
    ],
    { maxTokenBytes: 2048 },
  );
  valid = await mint(key, { iss: ISS, sub: 'alice', aud: 'orders', exp: Math.floor(Date.now() / 1000) + 3600 });
  validHs = await mint(hmac, { iss: 'https://b', sub: 'svc' });
});

function check(r: AuthnResult): void {
  if (r.ok) {
    expect(r.status).toBe(200);
    return;
  }
  expect([401, 403]).toContain(r.status);
  if (r.status === 403) expect(r.reason).toBe('JWT_AUDIENCE_NOT_ALLOWED');
  expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="[^"\\]*(\\.[^"\\]*)*", error="invalid_token"$/);
}

async function outcome(r: AuthnResult | Promise<AuthnResult>): Promise<AuthnResult> {
  return r instanceof Promise ? await r : r;
}

const piece = fc.constantFrom(
  'Bearer ', 'Token ', 'bearer ', '.', '..', ',', ' ', '"', ';', '=', '%2E', '%', '+', '/', '-', '_',
  'eyJhbGciOiJub25lIn0', 'eyJhbGciOiJSUzI1NiJ9', 'e30', 'W10', 'bnVsbA', 'AAAA', '\u0000', 'é', '\r\n',
);
const jwtish = fc.oneof(
  fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
  fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 20 }).map((p) => p.join('')),
  fc.tuple(fc.jsonValue(), fc.jsonValue(), fc.string({ maxLength: 20 })).map(([h, p, s]) => `${b64(JSON.stringify(h) ?? '')}.${b64(JSON.stringify(p) ?? '')}.${b64(s)}`),
  fc.record({ alg: fc.constantFrom('ES256', 'HS256', 'none', 'RS256'), kid: fc.option(fc.constantFrom('k1', 'h1', 'x'), { nil: undefined }) }).chain((h) =>
    fc.record({ iss: fc.constantFrom(ISS, 'https://b', 'x'), sub: fc.string(), aud: fc.oneof(fc.string(), fc.array(fc.string()), fc.integer()), exp: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] })
      .map((p) => `${b64(JSON.stringify(h))}.${b64(JSON.stringify(p))}.${b64('sig')}`),
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constant('x'.repeat(3000)),
);

describe('authenticate: properties', () => {
  it('never throws, answers only pass/401/403, for any header, query and cookie content', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            authorization: jwtish,
            'x-jwt': fc.oneof(jwtish, fc.array(jwtish, { maxLength: 3 })),
            cookie: jwtish.map((t) => `a=b; s=${t}`),
            'x-sub': fc.string(),
          },
          { requiredKeys: [] },
        ),
        fc.oneof(fc.constant('/'), jwtish.map((t) => `/p?access_token=${t}&t=${encodeURIComponent(t)}`), fc.string().map((s) => `/${s}`)),
        fc.constantFrom('GET', 'OPTIONS', 'POST', undefined),
        async (headers, url, method) => {
          const r = await outcome(authn.authenticate({ method, url, headers }));
          check(r);
          if (r.ok) for (const h of r.mutations.remove) expect(typeof h).toBe('string');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('accepts a mutated token only when it decodes to exactly the signed header, claims and signature', async () => {
    const original = parseJwt(valid);
    if (typeof original === 'string') throw new Error(original);
    await fc.assert(
      fc.asyncProperty(fc.nat(valid.length - 1), fc.constantFrom(...'AQgw_-.9aZ+/=%'.split('')), async (pos, ch) => {
        const mutated = valid.slice(0, pos) + ch + valid.slice(pos + 1);
        const r = await outcome(authn.authenticate({ headers: { authorization: `Bearer ${mutated}` } }));
        check(r);
        if (r.ok && r.auth !== undefined) {
          const p = parseJwt(mutated.split(/[^A-Za-z0-9_.-]/)[0] as string);
          if (typeof p === 'string') throw new Error(`accepted an unparsable token: ${p}`);
          expect(p.header).toEqual(original.header);
          expect(p.payload).toEqual(original.payload);
          expect(p.signature.equals(original.signature)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a valid token valid wherever its rule reads it, whatever surrounds it after the prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(' ', ',', ';', '"', ' ,'), fc.string({ maxLength: 10 }).filter((s) => !s.includes('Token ')), async (sep, tail) => {
        const r = await outcome(authn.authenticate({ headers: { 'x-jwt': `Token ${validHs}${sep}${tail}` } }));
        expect(r.ok && r.auth?.subject).toBe('svc');
      }),
      { numRuns: 100 },
    );
  });
});
