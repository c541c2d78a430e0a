// Koa 3: bare, or with the @meshauth/koa middleware in front of the same handler.
import { createServer } from 'node:http';
import Koa from 'koa';
import { meshAuthOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'xfcc']);

// meshAuth is loaded only by the variant that uses it: the baseline never loaded it.
const app = new Koa();
if (variant === 'xfcc') {
  const { meshAuth } = await import('@meshauth/koa');
  app.use(meshAuth(meshAuthOptions(variant)));
}
app.use((ctx) => {
  ctx.body = 'ok';
});

const server = createServer(app.callback());
server.listen(0, '127.0.0.1', () => probe(server));
