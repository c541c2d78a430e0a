// RequestAuthentication JWT checks through authenticator.authenticate() (@meshauth/core's
// createRequestAuthenticator, rule { issuer, jwksUri } of a testkit issuer on loopback, keys
// fetched before timing):
//  - cold, per algorithm (RS256, PS256, ES256, EdDSA), the verified-token cache off: every call
//    parses, checks and verifies the signature. Against the floor, one bare crypto.verify() of
//    the same signature with the same public key (signing input and signature already decoded),
//    and against jose's jwtVerify() with a local JWK set of the same key (awaited: it has no sync
//    form). All twelve are timed in interleaved batches (bench/lib/jwt-measure.mjs);
//  - cached (cache on, RS256, the longest token): the same header string every call, and a
//    distinct header string object per call (as an HTTP parser hands over: 256 copies in turn);
//  - a request without a token.
// `node bench/micro/jwt-verify.mjs` prints the table; bench/run.mjs --jwt runs it pinned.
import { constants, createPublicKey, verify } from 'node:crypto';
import { createRequestAuthenticator } from '@meshauth/core';
import { startJwtIssuer } from '@meshauth/testkit';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { measureInterleaved } from '../lib/jwt-measure.mjs';
import { printJwtMicroReport } from '../lib/jwt-suite.mjs';

const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** Claims of a realistic token; the issuer adds iss, iat and exp (one hour). */
const CLAIMS = {
  sub: 'user-1234567890',
  aud: ['orders', 'billing'],
  scope: 'read write admin',
  name: 'A realistic payload with a few claims',
  groups: ['a', 'b', 'c'],
};

/** crypto.verify's hash and key argument for a JWT alg, as RFC 7518 (and meshAuth) use them. */
function floorArgs(alg, key) {
  switch (alg) {
    case 'RS256':
      return ['sha256', key];
    case 'PS256':
      return ['sha256', { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }];
    case 'ES256':
      return ['sha256', { key, dsaEncoding: 'ieee-p1363' }];
    case 'EdDSA':
      return [null, key];
    default:
      throw new Error(`no floor for ${alg}`);
  }
}

const request = (authorization) => ({
  method: 'GET',
  url: '/orders',
  headers: authorization === undefined ? { host: 'orders' } : { host: 'orders', authorization },
});

/**
 * A token with one signature character changed: must be refused. Not the last character, whose
 * low bits are padding for 64-byte signatures (ES256, EdDSA) and may not change the bytes.
 */
function tampered(token) {
  const i = token.length - 10;
  return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
}

/** An authenticator for the issuer's rule, its key set loaded; throws unless it accepts `token`. */
async function authenticatorFor(idp, token, options) {
  const authn = createRequestAuthenticator([{ issuer: idp.issuer, jwksUri: idp.jwksUri }], options);
  await authn.ready();
  const result = authn.authenticate(request(`Bearer ${token}`));
  if (result instanceof Promise || !result.ok || result.auth === undefined) {
    throw new Error(`authenticate() did not accept the token synchronously: ${JSON.stringify(await result)}`);
  }
  return authn;
}

function expectSync(result, ok, what) {
  if (result instanceof Promise || result.ok !== ok) throw new Error(`${what}: expected ${ok ? 'a pass' : 'a refusal'}, got ${JSON.stringify(result)}`);
}

const results = [];
const closers = [];
try {
  let cachedIssuer;
  const cold = [];
  for (const alg of ALGS) {
    const idp = await startJwtIssuer({ alg });
    closers.push(() => idp.close());
    const token = idp.sign(CLAIMS);
    const { keys } = await (await fetch(idp.jwksUri)).json();
    const [h, p, s] = token.split('.');
    const data = Buffer.from(`${h}.${p}`);
    const signature = Buffer.from(s, 'base64url');
    const [hash, keyArg] = floorArgs(alg, createPublicKey({ key: keys[0], format: 'jwk' }));
    if (!verify(hash, data, keyArg, signature)) throw new Error(`${alg}: the floor does not verify the token`);

    const authn = await authenticatorFor(idp, token, { cache: false });
    closers.push(() => authn.close());
    const req = request(`Bearer ${token}`);
    expectSync(authn.authenticate(request(`Bearer ${tampered(token)}`)), false, `${alg} tampered token, cache off`);
    if (authn.cacheSize !== 0) throw new Error('the cache should be off');

    const jwks = createLocalJWKSet({ keys });
    const joseOptions = { issuer: idp.issuer, algorithms: [alg] };
    await jwtVerify(token, jwks, joseOptions);

    cold.push(
      { name: `${alg} floor: crypto.verify`, group: 'cold', alg, kind: 'floor', fn: () => verify(hash, data, keyArg, signature) },
      { name: `${alg} meshAuth authenticate(), cache off`, group: 'cold', alg, kind: 'meshAuth', fn: () => authn.authenticate(req) },
      { name: `${alg} jose jwtVerify, local JWK set`, group: 'cold', alg, kind: 'jose', async: true, fn: () => jwtVerify(token, jwks, joseOptions) },
    );
    if (alg === 'RS256') cachedIssuer = { idp, token };
  }
  // All algorithms in one interleaved set: every warm-up comes before the first timed batch, so
  // the algorithm measured first does not pay for the JIT settling on the code all of them share.
  results.push(...(await measureInterleaved(cold)));

  // The cached path, with the longest of the tokens (RS256).
  const { idp, token } = cachedIssuer;
  const authn = await authenticatorFor(idp, token, {});
  closers.push(() => authn.close());
  const same = request(`Bearer ${token}`);
  const copies = Array.from({ length: 256 }, () => request(Buffer.from(`Bearer ${token}`).toString('latin1')));
  let turn = 0;
  const noToken = request(undefined);
  expectSync(authn.authenticate(same), true, 'cached token');
  expectSync(authn.authenticate(copies[1]), true, 'cached token, new header string');
  expectSync(authn.authenticate(request(`Bearer ${tampered(token)}`)), false, 'tampered token, cache on');
  const none = authn.authenticate(noToken);
  if (none instanceof Promise || !none.ok || none.auth !== undefined) throw new Error('a request without a token should pass without a principal');
  results.push(
    ...(await measureInterleaved([
      { name: `cached (RS256, ${token.length} chars), same header string`, group: 'cached', kind: 'cached', fn: () => authn.authenticate(same) },
      { name: 'cached, a new header string per request', group: 'cached', kind: 'cached', fn: () => authn.authenticate(copies[(turn = (turn + 1) & 255)]) },
      { name: 'no token', group: 'none', kind: 'none', fn: () => authn.authenticate(noToken) },
    ])),
  );
} finally {
  for (const close of closers.reverse()) await close();
}

if (process.send !== undefined) process.send({ type: 'micro', results }, () => process.disconnect());
else printJwtMicroReport(results);
