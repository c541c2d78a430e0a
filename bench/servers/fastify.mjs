// Fastify 5: bare, or with the @meshauth/fastify plugin; over http (XFCC, also with the 10-rule
// policy of bench/fixtures) or https (mTLS).
import Fastify from 'fastify';
import meshAuth from '@meshauth/fastify';
import { policyMeshAuthOptions } from '../lib/policy-server.mjs';
import { meshAuthOptions, mtlsOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'xfcc', 'xfcc-policy', 'mtls-bare', 'mtls']);

const app = variant.startsWith('mtls') ? Fastify({ https: mtlsOptions() }) : Fastify();
if (variant === 'xfcc' || variant === 'mtls') await app.register(meshAuth, meshAuthOptions(variant));
if (variant === 'xfcc-policy') await app.register(meshAuth, policyMeshAuthOptions());
app.get('/', async () => 'ok');

await app.listen({ port: 0, host: '127.0.0.1' });
probe(app.server);
