import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, createPublicKey } from 'node:crypto';
import { createRequestAuthenticator, type AuthnResult, type RequestAuthenticator } from '../../src/authn/index.js';
import { startJwksServer, type JwksServer } from './helpers/jwks-server.js';
import { b64, bearer, jwks, makeKey, mint, rawToken, signRaw, sync, type TestKey } from './helpers/tokens.js';

// Attack classes of reference/request-authentication.md §6 (table) and the brief's list. Each is
// refused whatever the key set holds; sources: [JVL] jwt_verify_lib jwt.cc / verify.cc,
// [JOSE] panva/jose validate_crit, RFC 7515/7519, CVE-2018-0114 (embedded jwk),
// CVE-2022-21449 (psychic ECDSA signature).

const ISS = 'https://idp.example.com';
let rsa: TestKey;
let ec: TestKey;
let attacker: TestKey;
let authn: RequestAuthenticator;
let attackerServer: JwksServer;

beforeAll(async () => {
  rsa = await makeKey('RS256', 'rsa-1');
  ec = await makeKey('ES256', 'ec-1');
  attacker = await makeKey('RS256', 'rsa-1'); // same kid as the real key
  authn = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify(jwks(rsa, ec)) }]);
  attackerServer = await startJwksServer(jwks(attacker));
});

afterAll(async () => {
  await attackerServer.close();
});

function refused(token: string): AuthnResult & { ok: false } {
  const r = sync(authn.authenticate(bearer(token)));
  if (r.ok) throw new Error(`token was accepted: ${token.slice(0, 60)}`);
  expect(r.status).toBe(401);
  return r;
}

const claims = { iss: ISS, sub: 'admin' };

describe('alg none [JVL isImplemented]', () => {
  it('refuses an unsigned token with an empty signature: only two segments remain', () => {
    expect(refused(rawToken({ alg: 'none' }, claims, '')).reason).toBe('JWT_BAD_FORMAT');
  });

  it('refuses alg none/None/NONE/ES256K/RS1 with any signature', () => {
    for (const alg of ['none', 'None', 'NONE', 'ES256K', 'RS1', 'Ed25519', 'HS1']) {
      expect(refused(rawToken({ alg, kid: 'rsa-1' }, claims, 'c2ln')).reason).toBe('JWT_ALG_UNSUPPORTED');
    }
  });

  it('refuses a missing or non-string alg', () => {
    expect(refused(rawToken({ kid: 'rsa-1' }, claims)).reason).toBe('JWT_ALG_UNSUPPORTED');
    expect(refused(rawToken({ alg: ['RS256'] }, claims)).reason).toBe('JWT_ALG_UNSUPPORTED');
  });
});

describe('algorithm confusion [JVL verify.cc: the key family fixes the method]', () => {
  it('refuses HS256 keyed with the RSA public key (PEM or JWK text)', () => {
    const pem = createPublicKey({ key: rsa.jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const secret of [pem, JSON.stringify(rsa.jwk), rsa.jwk.n as string]) {
      const input = `${b64(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' }))}.${b64(JSON.stringify(claims))}`;
      const sig = createHmac('sha256', secret).update(input).digest('base64url');
      expect(refused(`${input}.${sig}`).reason).toBe('JWT_SIGNATURE_INVALID');
    }
  });

  it('refuses an RS256 signature relabelled PS256, and an EC signature relabelled RS256', async () => {
    const rs = await mint(rsa, claims);
    const [, p, s] = rs.split('.');
    expect(refused(`${b64(JSON.stringify({ alg: 'PS256', kid: 'rsa-1' }))}.${p}.${s}`).reason).toBe('JWT_SIGNATURE_INVALID');
    const es = await mint(ec, claims);
    const [, p2, s2] = es.split('.');
    expect(refused(`${b64(JSON.stringify({ alg: 'RS256', kid: 'ec-1' }))}.${p2}.${s2}`).reason).toBe('JWT_SIGNATURE_INVALID');
  });

  it('refuses an ES384 token against a P-256 key (curve bound to alg, RFC 7518 §3.4)', async () => {
    const es384 = await makeKey('ES384', 'ec-1');
    expect(refused(await mint(es384, claims)).reason).toBe('JWT_SIGNATURE_INVALID');
  });
});

describe('keys named by the token [CVE-2018-0114][reference §6]', () => {
  it('refuses an embedded jwk, even one equal to a trusted key', async () => {
    expect(refused(signRaw(attacker, { alg: 'RS256', jwk: attacker.jwk }, claims)).reason).toBe('JWT_KEY_IN_HEADER');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1', jwk: rsa.jwk }, claims)).reason).toBe('JWT_KEY_IN_HEADER');
  });

  it('refuses jku and x5u and never fetches them', () => {
    const before = attackerServer.jwksRequests;
    expect(refused(signRaw(attacker, { alg: 'RS256', kid: 'rsa-1', jku: attackerServer.jwksUri }, claims)).reason).toBe('JWT_KEY_IN_HEADER');
    expect(refused(signRaw(attacker, { alg: 'RS256', kid: 'rsa-1', x5u: attackerServer.jwksUri }, claims)).reason).toBe('JWT_KEY_IN_HEADER');
    expect(attackerServer.jwksRequests).toBe(before);
  });

  it('refuses a token signed by an attacker key carrying a trusted kid', async () => {
    expect(refused(await mint(attacker, claims)).reason).toBe('JWT_SIGNATURE_INVALID');
  });

  it('treats kid only as a name to compare: traversal and injection find no key', async () => {
    for (const kid of ['../../../../dev/null', "' OR '1'='1", 'rsa-1\u0000', '*']) {
      expect(refused(await mint(rsa, claims, { kid })).reason).toBe('JWKS_NO_MATCHING_KEY');
    }
  });

  it('refuses a non-string kid [JVL JwtHeaderBadKid]', () => {
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 1 }, claims)).reason).toBe('JWT_BAD_KID');
  });
});

describe('crit [RFC 7515 §4.1.11, JOSE validateCrit]', () => {
  it('refuses any crit header, validly signed or not', () => {
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1', crit: ['exp'], exp: 1 }, claims)).reason).toBe('JWT_CRIT_UNSUPPORTED');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1', crit: ['b64'], b64: false }, claims)).reason).toBe('JWT_CRIT_UNSUPPORTED');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1', crit: [] }, claims)).reason).toBe('JWT_CRIT_UNSUPPORTED');
  });
});

describe('ECDSA signatures [CVE-2022-21449][RFC 7518 §3.4]', () => {
  it('refuses r = s = 0, r = 0, s = 0, and DER-encoded or truncated signatures', async () => {
    const good = await mint(ec, claims);
    const [h, p, s] = good.split('.');
    const sig = Buffer.from(s as string, 'base64url');
    const zero = Buffer.alloc(64);
    const r0 = Buffer.concat([Buffer.alloc(32), sig.subarray(32)]);
    const s0 = Buffer.concat([sig.subarray(0, 32), Buffer.alloc(32)]);
    for (const bad of [zero, r0, s0, sig.subarray(0, 63), Buffer.concat([Buffer.from([0x30, 0x44]), sig])]) {
      expect(refused(`${h}.${p}.${bad.toString('base64url')}`).reason).toBe('JWT_SIGNATURE_INVALID');
    }
    expect(sync(authn.authenticate(bearer(good))).ok).toBe(true);
  });
});

describe('malformed tokens [JVL parseFromString]', () => {
  it('refuses wrong segment counts: two, four, five (JWE), empty segments', async () => {
    const t = await mint(rsa, claims);
    const [h, p, s] = t.split('.');
    for (const bad of [`${h}.${p}`, `${t}.x`, `${h}.x.${p}.y.${s}`, `.${p}.${s}`, `${h}..${s}`, `${h}.${p}.`, '..', '']) {
      expect(refused(bad).reason).toBe('JWT_BAD_FORMAT');
    }
  });

  it('refuses non-base64url characters (+ and /) and impossible lengths', async () => {
    // Read from a header without prefix: after "Bearer " extraction would stop at "+" [EXT extractJWT].
    const raw = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify(jwks(rsa)), fromHeaders: [{ name: 'x-jwt' }] }]);
    const t = await mint(rsa, claims);
    const [h, p, s] = t.split('.') as [string, string, string];
    const reason = (token: string): unknown => {
      const r = sync(raw.authenticate({ headers: { 'x-jwt': token } }));
      return r.ok ? 'accepted' : r.reason;
    };
    expect(reason(`${h}.${p}.${s.slice(0, -2)}+/`)).toBe('JWT_BAD_BASE64');
    expect(reason(`${h}+.${p}.${s}`)).toBe('JWT_BAD_BASE64');
    expect(reason(`${h}.${p}.${s}A`)).toMatch(/JWT_BAD_BASE64|JWT_SIGNATURE_INVALID/);
    expect(reason(`${h}.${p}.${s}=`)).toBe('JWT_BAD_BASE64');
    // Behind "Bearer ", a "+" ends the token: what is verified is the part before it.
    expect(refused(`${h}.${p}.${s.slice(0, -2)}+/`).reason).toBe('JWT_SIGNATURE_INVALID');
  });

  it('refuses a valid signature spelled with non-zero pad bits (RFC 4648 §3.5): one token, one spelling', async () => {
    const t = await mint(ec, claims);
    const [h, p, s] = t.split('.') as [string, string, string];
    // A 64-byte ES256 signature is 86 characters: the last one carries 2 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(s.slice(-1));
    const sibling = `${s.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(sibling, 'base64url')).toEqual(Buffer.from(s, 'base64url'));
    expect(sync(authn.authenticate(bearer(t))).ok).toBe(true);
    expect(refused(`${h}.${p}.${sibling}`).reason).toBe('JWT_BAD_BASE64');
  });

  it('refuses headers and payloads that are not JSON objects: arrays, strings, nested JWTs', async () => {
    const inner = await mint(rsa, claims);
    expect(refused(rawToken('bm90IGpzb24', claims)).reason).toBe('JWT_BAD_JSON');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, b64(JSON.stringify([claims])))).reason).toBe('JWT_BAD_JSON');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, b64(JSON.stringify(inner)))).reason).toBe('JWT_BAD_JSON');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, b64(inner))).reason).toBe('JWT_BAD_JSON');
  });

  it('refuses invalid UTF-8 in the payload', () => {
    const payload = Buffer.concat([Buffer.from('{"iss":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]).toString('base64url');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, payload)).reason).toBe('JWT_BAD_JSON');
  });

  it('refuses a modified payload and a swapped signature', async () => {
    const t = await mint(rsa, { iss: ISS, sub: 'user' });
    const [h, , s] = t.split('.');
    expect(refused(`${h}.${b64(JSON.stringify(claims))}.${s}`).reason).toBe('JWT_SIGNATURE_INVALID');
    const other = await mint(rsa, { iss: ISS, sub: 'other' });
    expect(refused(`${h}.${t.split('.')[1]}.${other.split('.')[2]}`).reason).toBe('JWT_SIGNATURE_INVALID');
  });
});

describe('duplicate member names [RFC 7519 §4]', () => {
  it('refuses a validly signed payload repeating a claim, escaped or not', () => {
    const dup = b64('{"iss":"https://idp.example.com","sub":"user","sub":"admin"}');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, dup)).reason).toBe('JWT_DUPLICATE_MEMBER');
    const escaped = b64('{"iss":"https://idp.example.com","sub":"user","s\\u0075b":"admin"}');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, escaped)).reason).toBe('JWT_DUPLICATE_MEMBER');
    const nested = b64('{"iss":"https://idp.example.com","org":{"role":"user","role":"admin"}}');
    expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, nested)).reason).toBe('JWT_DUPLICATE_MEMBER');
  });

  it('refuses a header repeating alg', () => {
    const header = b64('{"alg":"none","alg":"RS256","kid":"rsa-1"}');
    expect(refused(signRaw(rsa, header, claims)).reason).toBe('JWT_DUPLICATE_MEMBER');
  });

  it('accepts the same name in different objects', () => {
    const ok = b64('{"iss":"https://idp.example.com","sub":"u","a":{"sub":"x"},"b":[{"sub":"y"},{"sub":"z"}]}');
    expect(sync(authn.authenticate(bearer(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, ok)))).ok).toBe(true);
  });
});

describe('claim types Envoy checks [JVL jwt.cc, StructUtils]', () => {
  it('refuses wrong types even for claims no rule uses', () => {
    for (const bad of [{ jti: 7 }, { aud: 42 }, { aud: ['a', 1] }, { sub: 5 }, { iss: null }, { exp: '9999999999' }, { exp: null }, { nbf: -1 }, { iat: true }, { exp: 2 ** 64 }]) {
      expect(refused(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, { ...claims, ...bad })).reason).toBe('JWT_CLAIM_TYPE');
    }
  });

  it('accepts a future iat and fractional times (truncated) [JVL verifyTimeConstraint]', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(sync(authn.authenticate(bearer(signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, { ...claims, iat: now + 86400, exp: now + 10.9 })))).ok).toBe(true);
  });
});

describe('oversized tokens', () => {
  it('refuses a token over the limit with JWT_TOO_LARGE, whatever it contains', () => {
    const small = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify(jwks(rsa)) }], { maxTokenBytes: 1024 });
    const big = signRaw(rsa, { alg: 'RS256', kid: 'rsa-1' }, { ...claims, blob: 'x'.repeat(2000) });
    const r = sync(small.authenticate(bearer(big)));
    expect(r).toMatchObject({ ok: false, status: 401, reason: 'JWT_TOO_LARGE' });
    // The same token is fine under the default limit (8192).
    expect(sync(authn.authenticate(bearer(big))).ok).toBe(true);
  });
});

describe('unusable keys in the set are skipped [JOSE isUsableJWK][JVL jwks.cc]', () => {
  it('never verifies with a key marked use=enc, key_ops without verify, or a private key', async () => {
    for (const extra of [{ use: 'enc' }, { key_ops: ['encrypt'] }, { d: 'AQAB' }]) {
      const a = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify({ keys: [{ ...rsa.jwk, ...extra }] }) }]);
      expect(sync(a.authenticate(bearer(await mint(rsa, claims))))).toMatchObject({ ok: false, reason: 'JWKS_NO_VALID_KEYS' });
    }
  });

  it('skips RSA keys under 2048 bits [JOSE check_key_length]', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weak = { ...publicKey.export({ format: 'jwk' }), kid: 'weak' };
    const a = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify({ keys: [weak] }) }]);
    expect(sync(a.authenticate(bearer(await mint(rsa, claims, { kid: 'weak' }))))).toMatchObject({ ok: false, reason: 'JWKS_NO_VALID_KEYS' });
  });
});
