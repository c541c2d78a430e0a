// Fastify 5: bare, with an empty onRequest hook (what any hook costs), or with the @meshauth/fastify plugin; over http (XFCC, also with the 10-rule
// policy of bench/fixtures) or https (mTLS); or over http verifying a JWT, with meshAuth's
// RequestAuthentication or with @fastify/jwt (bench/lib/jwt-server.mjs).
import Fastify from 'fastify';
import { checkJwtServer, JWT_VARIANTS, setUpJwt } from '../lib/jwt-server.mjs';
import { meshAuthOptions, mtlsOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'hook', 'xfcc', 'xfcc-per-file', 'xfcc-policy', 'mtls-bare', 'mtls', ...JWT_VARIANTS]);
const jwt = JWT_VARIANTS.includes(variant);

// Each variant loads only what it uses: a baseline is an app that never loaded meshAuth (or
// @fastify/jwt), as it would be without them.
const app = variant.startsWith('mtls') ? Fastify({ https: mtlsOptions() }) : Fastify();
if (variant === 'xfcc' || variant === 'mtls') {
  const { default: meshAuth } = await import('@meshauth/fastify');
  await app.register(meshAuth, meshAuthOptions(variant));
}
if (variant === 'xfcc-per-file') {
  // The same plugin compiled file by file (lib/per-file-build.mjs, built by the runner).
  const { default: meshAuth } = await import('../../packages/fastify/.per-file/index.js');
  await app.register(meshAuth, meshAuthOptions('xfcc'));
}
if (variant === 'xfcc-policy') {
  const [{ default: meshAuth }, { policyMeshAuthOptions }] = await Promise.all([import('@meshauth/fastify'), import('../lib/policy-server.mjs')]);
  await app.register(meshAuth, policyMeshAuthOptions());
}
if (jwt) await setUpJwt(app, variant);
if (variant === 'hook') app.addHook('onRequest', (_request, _reply, done) => done());
app.get('/', async () => 'ok');
if (jwt) await checkJwtServer(app, variant);

await app.listen({ port: 0, host: '127.0.0.1' });
// meshAuth's engine, when registered, is timed inside decide() as well (lib/server-probe.mjs).
probe(app.server, { engine: app.meshAuthEngine });
