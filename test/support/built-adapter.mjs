// Runs one adapter as users get it, from its built package (package.json `exports`, dist/), not
// from the sources jest maps the workspace packages to: `node built-adapter.mjs <express|fastify|koa>`.
// It serves /whoami and /admin behind meshAuth (XFCC, requirePeer, a DENY policy on /admin), sends
// three requests over loopback and prints what came back as one JSON line.
import { request } from 'node:http';
import { istioSidecarXfcc } from '@meshauth/testkit';

const CALLER = 'spiffe://cluster.local/ns/shop/sa/frontend';
const XFCC = istioSidecarXfcc({ by: 'spiffe://cluster.local/ns/shop/sa/orders', uri: CALLER });
const OPTIONS = {
  mode: 'xfcc',
  requirePeer: true,
  workload: { namespace: 'shop' },
  policies: [{ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny-admin', namespace: 'shop' }, spec: { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] } }],
};
const whoami = (peer) => JSON.stringify({ id: peer?.id ?? null });

async function listen(framework) {
  if (framework === 'express') {
    const { default: express } = await import('express');
    const { meshAuth } = await import('@meshauth/express');
    const app = express();
    app.use(meshAuth(OPTIONS));
    app.get(['/whoami', '/admin'], (req, res) => res.type('application/json').send(whoami(req.peerPrincipal)));
    return new Promise((resolve) => { const server = app.listen(0, '127.0.0.1', () => resolve(server)); });
  }
  if (framework === 'fastify') {
    const { default: Fastify } = await import('fastify');
    const { default: meshAuth } = await import('@meshauth/fastify');
    const app = Fastify();
    await app.register(meshAuth, OPTIONS);
    for (const path of ['/whoami', '/admin']) app.get(path, async (req, reply) => reply.type('application/json').send(whoami(req.peerPrincipal)));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server;
  }
  const { default: Koa } = await import('koa');
  const { meshAuth } = await import('@meshauth/koa');
  const app = new Koa();
  app.use(meshAuth(OPTIONS));
  app.use((ctx) => {
    ctx.type = 'application/json';
    ctx.body = whoami(ctx.state.peerPrincipal);
  });
  return new Promise((resolve) => { const server = app.listen(0, '127.0.0.1', () => resolve(server)); });
}

function send(port, path, headers) {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject).end();
  });
}

const server = await listen(process.argv[2]);
const { port } = server.address();
const results = {
  whoami: await send(port, '/whoami', { 'x-forwarded-client-cert': XFCC }),
  admin: await send(port, '/admin', { 'x-forwarded-client-cert': XFCC }),
  anonymous: await send(port, '/whoami', {}),
};
server.close();
console.log(JSON.stringify(results));
