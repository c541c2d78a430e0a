// Fastify 5: bare, or with the @meshauth/fastify plugin; over http (XFCC) or https (mTLS).
import Fastify from 'fastify';
import meshAuth from '@meshauth/fastify';
import { meshAuthOptions, mtlsOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'xfcc', 'mtls-bare', 'mtls']);

const app = variant.startsWith('mtls') ? Fastify({ https: mtlsOptions() }) : Fastify();
if (variant === 'xfcc' || variant === 'mtls') await app.register(meshAuth, meshAuthOptions(variant));
app.get('/', async () => 'ok');

await app.listen({ port: 0, host: '127.0.0.1' });
probe(app.server);
