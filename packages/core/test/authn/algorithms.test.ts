import { describe, expect, it } from '@jest/globals';
import { jwtVerify, importJWK } from 'jose';
import { createRequestAuthenticator } from '../../src/authn/index.js';
import { bearer, jwks, makeKey, mint, sync } from './helpers/tokens.js';

// Every algorithm jwt_verify_lib implements (src/jwt.cc isImplemented), minted with jose and
// checked both by jose's jwtVerify and by the authenticator: they must agree.

const ISS = 'https://idp.example.com';
const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512'];

describe.each(ALGS)('%s', (alg) => {
  it('verifies a token jose signs and jose verifies, with and without kid, and refuses a tampered one', async () => {
    const key = await makeKey(alg, `${alg}-kid`);
    const other = await makeKey(alg, `${alg}-other`);
    const authn = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify(jwks(other, key)) }]);
    const token = await mint(key, { iss: ISS, sub: 'x' });
    await expect(jwtVerify(token, await importJWK(key.jwk, alg))).resolves.toBeDefined();
    expect(sync(authn.authenticate(bearer(token)))).toMatchObject({ ok: true });
    expect(sync(authn.authenticate(bearer(await mint(key, { iss: ISS, sub: 'x' }, { kid: null }))))).toMatchObject({ ok: true });
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ iss: ISS, sub: 'y' })).toString('base64url')}.${s}`;
    expect(sync(authn.authenticate(bearer(tampered)))).toMatchObject({ ok: false, reason: 'JWT_SIGNATURE_INVALID' });
  });
});

describe('EdDSA signature length [JVL verifySignatureEd25519]', () => {
  it('refuses a signature that is not 64 bytes', async () => {
    const key = await makeKey('EdDSA', 'ed');
    const authn = createRequestAuthenticator([{ issuer: ISS, jwks: JSON.stringify(jwks(key)) }]);
    const [h, p, s] = (await mint(key, { iss: ISS, sub: 'x' })).split('.');
    const long = Buffer.concat([Buffer.from(s as string, 'base64url'), Buffer.from([0])]).toString('base64url');
    expect(sync(authn.authenticate(bearer(`${h}.${p}.${long}`)))).toMatchObject({ ok: false, reason: 'JWT_SIGNATURE_INVALID' });
  });
});
