// A Fastify service that terminates mTLS itself (no sidecar): the caller's identity is the
// X.509-SVID it presents in the TLS handshake, verified by meshAuth against the trust bundle of
// the certificate's own trust domain, and put on request.peerPrincipal.
//
//   TLS_CERT      this server's certificate chain (PEM), e.g. certs/server.pem
//   TLS_KEY       its private key (PEM), e.g. certs/server-key.pem
//   TRUST_BUNDLE  the CA certificates of the trust domain (PEM), e.g. certs/ca.pem
//   TRUST_DOMAIN  the trust domain those CAs sign for (default cluster.local)
//   PORT, HOST    where to listen (default 8443 on 127.0.0.1)
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import meshAuth from '@meshauth/fastify';

function fileFromEnv(name) {
  const path = process.env[name];
  if (!path) {
    console.error(`${name} is not set. Run "node make-dev-certs.mjs certs" and see README.md.`);
    process.exit(1);
  }
  return readFileSync(path, 'utf8');
}

const cert = fileFromEnv('TLS_CERT');
const key = fileFromEnv('TLS_KEY');
const bundle = fileFromEnv('TRUST_BUNDLE');
const trustDomain = process.env.TRUST_DOMAIN ?? 'cluster.local';
const port = Number(process.env.PORT ?? 8443);
const host = process.env.HOST ?? '127.0.0.1';

// One bundle per trust domain: a client certificate is checked only against the CAs of the trust
// domain its SPIFFE ID names. Add an entry per federated trust domain.
const trustBundles = { [trustDomain]: bundle };

const app = Fastify({
  https: {
    cert,
    key,
    // Ask every client for a certificate. The handshake lets a missing or unknown certificate
    // through so that meshAuth, which checks it per trust domain, answers with a reason code.
    ca: Object.values(trustBundles),
    requestCert: true,
    rejectUnauthorized: false,
  },
});

await app.register(meshAuth, { mode: 'tls', trustBundles, requirePeer: true });

app.get('/whoami', async (request) => {
  const peer = request.peerPrincipal; // set whenever meshAuth let the request through
  return { caller: peer.id, namespace: peer.namespace, serviceAccount: peer.serviceAccount };
});

await app.listen({ port, host });
console.log(`fastify-mtls listening on https://${host}:${port}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => app.close());
}
