// An Express service running behind an Istio sidecar. The sidecar terminates the mesh's mTLS and
// forwards the caller's verified SPIFFE ID in X-Forwarded-Client-Cert; meshAuth believes that
// header only when the TCP peer is a trusted hop (loopback and ::6 by default, where Istio's
// sidecar connects from) and puts the identity on req.peerPrincipal.
import express from 'express';
import { meshAuth } from '@meshauth/express';

const port = Number(process.env.PORT ?? 8080);
// 127.0.0.1 for running it on a laptop; in a pod listen on 0.0.0.0 (HOST=0.0.0.0), because the
// sidecar forwards inbound traffic to the pod IP, from 127.0.0.6.
const host = process.env.HOST ?? '127.0.0.1';

const app = express();

// Every request must carry an identity forwarded by the sidecar; others get 401 PEER_REQUIRED.
app.use(meshAuth({ mode: 'xfcc', requirePeer: true }));

app.get('/whoami', (req, res) => {
  const peer = req.peerPrincipal; // set whenever meshAuth let the request through
  res.json({
    caller: peer.id,
    namespace: peer.namespace,
    serviceAccount: peer.serviceAccount,
  });
});

const server = app.listen(port, host, () => {
  console.log(`express-sidecar listening on http://${host}:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close());
}
