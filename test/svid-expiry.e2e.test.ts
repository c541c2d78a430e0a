/**
 * The TLS identity is verified once per connection and remembered, also across connections, but
 * never past the certificate's expiry: a keep-alive connection or a reconnecting client with an
 * SVID that has just expired is refused from then on.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:https';
import { bundle, createDevCa, mtlsServerOptions, sendRequest, type Listening } from '@meshauth/testkit';
import { startApp } from './support/apps.js';

const mesh = createDevCa({ trustDomain: 'cluster.local' });
const server = mesh.issueSvid({ id: 'spiffe://cluster.local/ns/shop/sa/orders' });
const FRONTEND = 'spiffe://cluster.local/ns/shop/sa/frontend';

function get(url: string, agent: Agent): Promise<{ status: number; body: string; socketPort: number | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/whoami`, { agent, checkServerIdentity: () => undefined }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, socketPort: req.socket?.localPort }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('an SVID that expires while in use', () => {
  let app: Listening;
  beforeAll(async () => {
    app = await startApp('express5', { mode: 'tls', trustBundles: bundle(mesh) }, mtlsServerOptions({ identity: server, roots: [mesh.certPem] }));
  });
  afterAll(() => app.close());

  it('is refused on the same keep-alive connection and on a new one once it has expired', async () => {
    // X.509 validity has a resolution of one second; give the handshake and first request room.
    const client = mesh.issueSvid({ id: FRONTEND, notAfter: new Date(Math.floor(Date.now() / 1000) * 1000 + 3000) });
    const agent = new Agent({ keepAlive: true, maxSockets: 1, cert: client.chainPem, key: client.keyPem, ca: mesh.certPem });
    try {
      const first = await get(app.url, agent);
      expect(first.status).toBe(200);
      expect(JSON.parse(first.body)).toMatchObject({ peer: { id: FRONTEND } });
      const fresh = await sendRequest(`${app.url}/whoami`, { identity: client, ca: [mesh.certPem] });
      expect(fresh.status).toBe(200);

      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(client.cert.validTo) - Date.now()) + 1100));

      const again = await get(app.url, agent);
      expect(again.socketPort).toBe(first.socketPort); // the same connection
      expect(again.status).toBe(401);
      expect(JSON.parse(again.body)).toMatchObject({ code: 'SVID_INVALID' });
      const reconnect = await sendRequest(`${app.url}/whoami`, { identity: client, ca: [mesh.certPem] });
      expect(reconnect.status).toBe(401);
    } finally {
      agent.destroy();
    }
  });
});
