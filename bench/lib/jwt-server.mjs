// The server side of the JWT pairs (bench/servers/fastify.mjs): Fastify with meshAuth enforcing a
// RequestAuthentication, or with @fastify/jwt, both verifying the ES256 token of the runner's
// testkit issuer against the same public key. The runner passes the issuer in the environment:
//   BENCH_JWT_ISSUER  the issuer (`iss`), BENCH_JWKS_URI its key set, BENCH_JWT_TOKEN the token
//   every request of the load carries (used here only for the self-check before listening).
// Each variant loads only the library it measures.
import { createPublicKey } from 'node:crypto';

/** The server variants of the JWT pairs. */
export const JWT_VARIANTS = ['jwt', 'jwt-nocache', 'fastify-jwt', 'fastify-jwt-nocache'];

/** The workload the RequestAuthentication applies to. */
const WORKLOAD = { namespace: 'bench' };

function jwtEnv() {
  const { BENCH_JWT_ISSUER: issuer, BENCH_JWKS_URI: jwksUri, BENCH_JWT_TOKEN: token } = process.env;
  if (!issuer || !jwksUri || !token) throw new Error('BENCH_JWT_ISSUER, BENCH_JWKS_URI and BENCH_JWT_TOKEN must be set for a JWT variant');
  return { issuer, jwksUri, token };
}

/**
 * meshAuth options of the `jwt` variants: one RequestAuthentication whose rule points at the
 * issuer's key set, as a manifest object. Identity: mode 'xfcc' with requirePeer off, and the load
 * sends no XFCC header (meshAuth has no mode without a peer identity; an absent header is one
 * lookup). No AuthorizationPolicy, so every request with a valid token is allowed. `cache: false`
 * turns the verified-token cache off.
 */
export function jwtMeshAuthOptions({ cache }) {
  const { issuer, jwksUri } = jwtEnv();
  const requestAuthentication = {
    apiVersion: 'security.istio.io/v1',
    kind: 'RequestAuthentication',
    metadata: { name: 'bench-jwt', namespace: WORKLOAD.namespace },
    spec: { jwtRules: [{ issuer, jwksUri }] },
  };
  return {
    mode: 'xfcc',
    requirePeer: false,
    policies: [requestAuthentication],
    workload: WORKLOAD,
    ...(cache ? {} : { jwt: { cache: false } }),
  };
}

/**
 * Registers @fastify/jwt in verify-only mode with the issuer's public key (the first key of its
 * JWKS, as PEM), restricted to that key's algorithm and the issuer, its verified-token cache
 * (`verify.cache`, fast-jwt's LRU, default key builder: a hash of the token) on or off, and the
 * onRequest hook of its README: `await request.jwtVerify()`, the error sent on failure.
 */
async function registerFastifyJwt(app, { cache }) {
  const { issuer, jwksUri } = jwtEnv();
  const response = await fetch(jwksUri);
  if (!response.ok) throw new Error(`${jwksUri}: HTTP ${response.status}`);
  const [jwk] = (await response.json()).keys;
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const { default: fastifyJwt } = await import('@fastify/jwt');
  await app.register(fastifyJwt, { secret: { public: publicKey }, verify: { algorithms: [jwk.alg], allowedIss: issuer, cache } });
  app.addHook('onRequest', async (request, reply) => {
    try {
      await request.jwtVerify();
    } catch (err) {
      return reply.send(err);
    }
  });
}

/** Sets up `variant` (one of JWT_VARIANTS) on `app`, before its routes. */
export async function setUpJwt(app, variant) {
  if (variant === 'jwt' || variant === 'jwt-nocache') {
    const { default: meshAuth } = await import('@meshauth/fastify');
    await app.register(meshAuth, jwtMeshAuthOptions({ cache: variant === 'jwt' }));
  } else await registerFastifyJwt(app, { cache: variant === 'fastify-jwt' });
}

/**
 * Before the server takes load: the token is accepted (which also waits for meshAuth's first key
 * fetch) and the same token with a changed signature is refused, so the pair measures a real
 * verification.
 */
export async function checkJwtServer(app, variant) {
  const { token } = jwtEnv();
  // One signature character changed (not the last, whose low bits may be padding).
  const i = token.length - 10;
  const bad = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
  const good = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } });
  const refused = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${bad}` } });
  if (good.statusCode !== 200 || refused.statusCode !== 401) {
    throw new Error(`${variant}: the token got ${good.statusCode} (expected 200), a tampered one ${refused.statusCode} (expected 401)`);
  }
}
