// Express 5: bare, or with the @meshauth/express middleware in front of the same route (XFCC, also
// with the 10-rule policy of bench/fixtures).
import { createServer } from 'node:http';
import express from 'express';
import { meshAuthOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'xfcc', 'xfcc-policy']);

// meshAuth is loaded only by the variants that use it: the baseline never loaded it.
const app = express();
if (variant === 'xfcc') {
  const { meshAuth } = await import('@meshauth/express');
  app.use(meshAuth(meshAuthOptions(variant)));
}
if (variant === 'xfcc-policy') {
  const [{ meshAuth }, { policyMeshAuthOptions }] = await Promise.all([import('@meshauth/express'), import('../lib/policy-server.mjs')]);
  app.use(meshAuth(policyMeshAuthOptions()));
}
app.get('/', (_req, res) => {
  res.type('text/plain').send('ok');
});

const server = createServer(app);
server.listen(0, '127.0.0.1', () => probe(server));
