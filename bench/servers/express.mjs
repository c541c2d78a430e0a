// Express 5: bare, or with the @meshauth/express middleware in front of the same route (XFCC, also
// with the 10-rule policy of bench/fixtures).
import { createServer } from 'node:http';
import express from 'express';
import { meshAuth } from '@meshauth/express';
import { policyMeshAuthOptions } from '../lib/policy-server.mjs';
import { meshAuthOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'xfcc', 'xfcc-policy']);

const app = express();
if (variant === 'xfcc') app.use(meshAuth(meshAuthOptions(variant)));
if (variant === 'xfcc-policy') app.use(meshAuth(policyMeshAuthOptions()));
app.get('/', (_req, res) => {
  res.type('text/plain').send('ok');
});

const server = createServer(app);
server.listen(0, '127.0.0.1', () => probe(server));
