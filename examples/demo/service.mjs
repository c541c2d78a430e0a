// The service the demo calls: one Express app ("orders" in namespace "shop") with meshAuth in
// front (identity, then the AuthorizationPolicy of policies.yaml), served on two loopback listeners:
//   - https with requestCert, for a caller that does mTLS straight to Node;
//   - plain http, the way the app receives traffic from its Istio sidecar, which forwards the
//     caller's identity in X-Forwarded-Client-Cert.
// mode 'auto' reads the TLS client certificate when there is one, else a trusted XFCC header.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { meshAuth } from '@meshauth/express';
import { listen, mtlsServerOptions } from '@meshauth/testkit';

/** Where Istio's sidecar connects to the app from; the only hop whose XFCC header is believed. */
export const SIDECAR_ADDRESS = '127.0.0.6';

export async function startService({ caPem, serverSvid }) {
  const app = express();
  app.use(
    meshAuth({
      mode: 'auto',
      trustBundles: { 'cluster.local': caPem },
      trustedProxies: [SIDECAR_ADDRESS],
      requirePeer: true,
      // The AuthorizationPolicy of policies.yaml, enforced with Istio's semantics.
      policies: fileURLToPath(new URL('./policies.yaml', import.meta.url)),
      workload: { namespace: 'shop', labels: { app: 'orders' } },
      accessDeniedBody: 'json',
    }),
  );
  app.get('/whoami', (req, res) => {
    const peer = req.peerPrincipal;
    res.json({ caller: peer.id, namespace: peer.namespace, serviceAccount: peer.serviceAccount, source: peer.source });
  });

  app.post('/orders/:id/refund', (req, res) => {
    res.json({ caller: req.peerPrincipal.id, source: req.peerPrincipal.source, refunded: req.params.id });
  });

  const mtls = await listen(createHttpsServer(mtlsServerOptions({ identity: serverSvid, roots: [caPem] }), app));
  const plain = await listen(createHttpServer(app));
  return {
    mtlsUrl: mtls.url,
    plainUrl: plain.url,
    close: () => Promise.all([mtls.close(), plain.close()]),
  };
}
