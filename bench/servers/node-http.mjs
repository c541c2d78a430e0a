// node:http with no framework: bare, or with @meshauth/core's engine called in the handler.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { meshAuthOptions, mtlsOptions, probe, variantArg } from '../lib/server-probe.mjs';

const variant = variantArg(['bare', 'xfcc', 'mtls-bare', 'mtls']);

function ok(res) {
  res.setHeader('content-type', 'text/plain');
  res.end('ok');
}

function deny(res, decision) {
  const { status, headers, body } = decision.response;
  res.writeHead(status, headers).end(body);
}

let listener = (_req, res) => ok(res);
if (variant === 'xfcc' || variant === 'mtls') {
  // Loaded only here: the baseline never loaded meshAuth.
  const { createMeshAuth } = await import('@meshauth/core');
  const engine = createMeshAuth(meshAuthOptions(variant));
  const respond = (res, decision) => (decision.allowed ? ok(res) : deny(res, decision));
  listener = (req, res) => {
    const decision = engine.decide(req);
    if (decision instanceof Promise) decision.then((d) => respond(res, d));
    else respond(res, decision);
  };
}

const server = variant.startsWith('mtls') ? createHttpsServer(mtlsOptions(), listener) : createHttpServer(listener);
server.listen(0, '127.0.0.1', () => probe(server));
