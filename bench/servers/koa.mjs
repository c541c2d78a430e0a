// Koa 3: bare, or with the @meshauth/koa middleware in front of the same handler.
import { createServer } from 'node:http';
import Koa from 'koa';
import { meshAuth } from '@meshauth/koa';
import { meshAuthOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'xfcc']);

const app = new Koa();
if (variant === 'xfcc') app.use(meshAuth(meshAuthOptions(variant)));
app.use((ctx) => {
  ctx.body = 'ok';
});

const server = createServer(app.callback());
server.listen(0, '127.0.0.1', () => probe(server));
