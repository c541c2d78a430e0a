// Express 5: bare, or with the @meshauth/express middleware in front of the same route.
import { createServer } from 'node:http';
import express from 'express';
import { meshAuth } from '@meshauth/express';
import { meshAuthOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'xfcc']);

const app = express();
if (variant === 'xfcc') app.use(meshAuth(meshAuthOptions(variant)));
app.get('/', (_req, res) => {
  res.type('text/plain').send('ok');
});

const server = createServer(app);
server.listen(0, '127.0.0.1', () => probe(server));
