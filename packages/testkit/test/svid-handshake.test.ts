import type { AddressInfo } from 'node:net';
import { type DetailedPeerCertificate, type TLSSocket, connect, createServer } from 'node:tls';
import { describe, expect, it } from '@jest/globals';
import { SvidError, TrustBundleSet, verifyX509Svid } from '@meshauth/core';
import { bundle } from '../src/bundle.js';
import { createDevCa } from '../src/dev-ca.js';
import type { Svid } from '../src/svid.js';

// A real TLS handshake: the server asks for a client certificate but lets every client in
// (rejectUnauthorized: false), then verifies the presented chain as an X.509-SVID itself.
// identity-and-xfcc.md §5.1: OpenSSL's own check uses one flat pool of roots, so it calls
// clients "authorized" that verifyX509Svid must refuse.

const cluster = createDevCa({ trustDomain: 'cluster.local' });
const partner = createDevCa({ trustDomain: 'partner.test' });
const bundles = TrustBundleSet.from(bundle(cluster, partner));
const serverSvid = cluster.issueSvid({ path: '/ns/shop/sa/orders', dnsNames: ['localhost'] });

/** The peer chain as Node exposes it: walk `issuerCertificate` until it points to itself. */
function peerChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  for (let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true); cert?.raw !== undefined; ) {
    chain.push(cert.raw);
    cert = cert.issuerCertificate === cert ? undefined : cert.issuerCertificate;
  }
  return chain;
}

interface ServerView {
  /** OpenSSL's generic verdict against the flat `ca` list. */
  readonly authorized: boolean;
  readonly chainLength: number;
  /** The verified SPIFFE ID, or the SvidError reason. */
  readonly result: string;
}

/** Starts a server, connects one client presenting `client`, and closes both once the server has looked. */
async function handshake(client: Svid): Promise<ServerView> {
  const server = createServer({
    cert: serverSvid.chainPem,
    key: serverSvid.keyPem,
    ca: [cluster.certPem, partner.certPem],
    requestCert: true,
    rejectUnauthorized: false,
  });
  const seen = new Promise<ServerView>((resolve) => {
    server.once('secureConnection', (socket: TLSSocket) => {
      const chain = peerChain(socket);
      let result: string;
      try {
        result = verifyX509Svid(chain, bundles).toString();
      } catch (err) {
        if (!(err instanceof SvidError)) throw err;
        result = err.reason;
      }
      resolve({ authorized: socket.authorized, chainLength: chain.length, result });
      socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', cert: client.chainPem, key: client.keyPem, ca: [cluster.certPem] });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined); // the server ends the connection first; nothing to report
  socket.resume();
  try {
    return await seen;
  } finally {
    await closed;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('verifyX509Svid over a real TLS handshake', () => {
  it('accepts a good client SVID', async () => {
    const view = await handshake(cluster.issueSvid({ path: '/ns/shop/sa/frontend' }));
    expect(view).toEqual({ authorized: true, chainLength: 2, result: 'spiffe://cluster.local/ns/shop/sa/frontend' });
  });

  it('accepts a client that sends an intermediate', async () => {
    const view = await handshake(cluster.createIntermediate().issueSvid({ path: '/ns/shop/sa/batch' }));
    expect(view).toEqual({ authorized: true, chainLength: 3, result: 'spiffe://cluster.local/ns/shop/sa/batch' });
  });

  it('rejects a client certificate with two URI SANs that OpenSSL authorizes', async () => {
    const view = await handshake(cluster.issueSvid({ uris: ['spiffe://cluster.local/ns/shop/sa/frontend', 'spiffe://cluster.local/ns/kube-system/sa/admin'] }));
    expect(view).toEqual({ authorized: true, chainLength: 2, result: 'uri-san-count' });
  });

  it('rejects a cluster.local identity signed by the partner trust domain that OpenSSL authorizes', async () => {
    const view = await handshake(cluster.issueSvid({ signer: partner, path: '/ns/shop/sa/admin' }));
    expect(view).toEqual({ authorized: true, chainLength: 2, result: 'untrusted-chain' });
  });
});
