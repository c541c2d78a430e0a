// Fastify 5: bare, with an empty onRequest hook (what any hook costs), or with the @meshauth/fastify plugin; over http (XFCC, also with the 10-rule
// policy of bench/fixtures) or https (mTLS); or over http verifying a JWT, with meshAuth's
// RequestAuthentication or with @fastify/jwt (bench/lib/jwt-server.mjs).
import Fastify from 'fastify';
import meshAuth from '@meshauth/fastify';
import { checkJwtServer, JWT_VARIANTS, setUpJwt } from '../lib/jwt-server.mjs';
import { meshAuthOptions, mtlsOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'hook', 'xfcc', 'xfcc-policy', 'mtls-bare', 'mtls', ...JWT_VARIANTS]);
const jwt = JWT_VARIANTS.includes(variant);

const app = variant.startsWith('mtls') ? Fastify({ https: mtlsOptions() }) : Fastify();
if (variant === 'xfcc' || variant === 'mtls') await app.register(meshAuth, meshAuthOptions(variant));
if (variant === 'xfcc-policy') {
  // Loaded only for this variant, so that the others do not depend on what it imports.
  const { policyMeshAuthOptions } = await import('../lib/policy-server.mjs');
  await app.register(meshAuth, policyMeshAuthOptions());
}
if (jwt) await setUpJwt(app, variant);
if (variant === 'hook') app.addHook('onRequest', (_request, _reply, done) => done());
app.get('/', async () => 'ok');
if (jwt) await checkJwtServer(app, variant);

await app.listen({ port: 0, host: '127.0.0.1' });
// meshAuth's engine, when registered, is timed inside decide() as well (lib/server-probe.mjs).
probe(app.server, { engine: app.meshAuthEngine });
