/**
 * Caller identity end to end, the same cases on every framework: real TLS handshakes with minted
 * SVIDs, real loopback servers, and connections from chosen loopback source addresses to play
 * the sidecar (127.0.0.6, Istio's InboundPassthroughBindIpv4) or a caller that bypassed it.
 */
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Decision } from '@meshauth/core';
import { bundle, buildXfcc, createDevCa, istioSidecarXfcc, mtlsServerOptions, sendRequest, type Listening } from '@meshauth/testkit';
import { FRAMEWORKS, startApp, type WhoAmI } from './support/apps.js';

const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
const FRONTEND = 'spiffe://cluster.local/ns/shop/sa/frontend';
const mesh = createDevCa({ trustDomain: 'cluster.local' });
const partner = createDevCa({ trustDomain: 'partner.example' });
const serverSvid = mesh.issueSvid({ id: APP_ID, dnsNames: ['localhost'] });
const roots = [mesh.certPem, partner.certPem];
const tls = mtlsServerOptions({ identity: serverSvid, roots });

/** One invalid client certificate per X.509-SVID rule, with the reason the decision must log. */
const invalidSvids = [
  ['two URI SANs', mesh.issueSvid({ uris: [FRONTEND, 'spiffe://cluster.local/ns/shop/sa/admin'] }), 'uri-san-count'],
  ['no URI SAN', mesh.issueSvid({ uris: [], dnsNames: ['frontend.shop'] }), 'uri-san-count'],
  ['a URI SAN that is not SPIFFE', mesh.issueSvid({ uris: ['https://frontend.shop/'] }), 'invalid-spiffe-id'],
  ['a trust-domain-only ID', mesh.issueSvid({ uris: ['spiffe://cluster.local'] }), 'no-path'],
  ['a CA certificate as leaf', mesh.issueSvid({ isCa: true, keyUsage: ['digitalSignature', 'keyCertSign'] }), 'leaf-is-ca'],
  ['an expired certificate', mesh.issueSvid({ notBefore: new Date(Date.now() - 7200_000), notAfter: new Date(Date.now() - 3600_000) }), 'expired'],
  ['a certificate for cluster.local signed by partner.example', mesh.issueSvid({ id: FRONTEND, signer: partner }), 'untrusted-chain'],
  ['a trust domain without a bundle', createDevCa({ trustDomain: 'stranger.test' }).issueSvid(), 'unknown-trust-domain'],
] as const;

describe.each(FRAMEWORKS)('caller identity on %s', (framework) => {
  describe('direct mTLS', () => {
    const decisions: Decision[] = [];
    let server: Listening;
    beforeAll(async () => {
      server = await startApp(framework, { mode: 'auto', trustBundles: bundle(mesh, partner), onDecision: (d) => void decisions.push(d) }, tls);
    });
    afterAll(() => server.close());

    it('sees the SPIFFE ID of the client certificate', async () => {
      const client = mesh.issueSvid({ id: FRONTEND });
      const res = await sendRequest(`${server.url}/whoami`, { identity: client, ca: roots });
      expect(res.status).toBe(200);
      expect(res.json<WhoAmI>()).toMatchObject({
        path: '/whoami',
        peer: { id: FRONTEND, trustDomain: 'cluster.local', path: '/ns/shop/sa/frontend', namespace: 'shop', serviceAccount: 'frontend', principal: 'cluster.local/ns/shop/sa/frontend', source: 'tls' },
        peerSource: 'tls',
        xfccIgnored: null,
      });
    });

    it('sees an identity of a federated trust domain, checked against that domain’s own bundle', async () => {
      const client = partner.createIntermediate().issueSvid({ path: '/billing/worker' });
      const res = await sendRequest(`${server.url}/whoami`, { identity: client, ca: roots });
      expect(res.json<WhoAmI>().peer).toMatchObject({ id: 'spiffe://partner.example/billing/worker', source: 'tls' });
      expect(res.json<WhoAmI>().peer).not.toHaveProperty('namespace');
    });

    it('ignores an XFCC header sent by an mTLS client: the socket identity wins', async () => {
      const client = mesh.issueSvid({ id: FRONTEND });
      const forged = istioSidecarXfcc({ by: APP_ID, uri: 'spiffe://cluster.local/ns/shop/sa/admin' });
      const res = await sendRequest(`${server.url}/whoami`, { identity: client, ca: roots, headers: { 'x-forwarded-client-cert': forged } });
      expect(res.json<WhoAmI>()).toMatchObject({ peer: { id: FRONTEND }, xfccIgnored: 'tls-peer' });
    });

    it('passes a TLS client without a certificate with no identity', async () => {
      const res = await sendRequest(`${server.url}/whoami`, { ca: roots });
      expect(res.json<WhoAmI>()).toMatchObject({ path: '/whoami', peer: null, peerSource: 'none', xfccIgnored: null, auth: null });
    });

    it.each(invalidSvids)('refuses %s with 401 SVID_INVALID', async (_what, client, reason) => {
      decisions.length = 0;
      const res = await sendRequest(`${server.url}/whoami`, { identity: client, ca: roots });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: 'client certificate is not a valid X.509-SVID', code: 'SVID_INVALID' });
      expect(decisions.map((d) => d.detail)).toEqual([reason]);
    });
  });

  describe('mTLS with requirePeer', () => {
    let server: Listening;
    beforeAll(async () => {
      server = await startApp(framework, { mode: 'tls', trustBundles: bundle(mesh), requirePeer: true }, tls);
    });
    afterAll(() => server.close());

    it('refuses a TLS client without a certificate with 401 PEER_REQUIRED', async () => {
      const res = await sendRequest(`${server.url}/whoami`, { ca: roots });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: 'a verified peer identity is required', code: 'PEER_REQUIRED' });
    });

    it('does not accept XFCC in tls mode, even from loopback', async () => {
      const res = await sendRequest(`${server.url}/whoami`, { ca: roots, headers: { 'x-forwarded-client-cert': istioSidecarXfcc({ by: APP_ID, uri: FRONTEND }) } });
      expect(res.status).toBe(401);
    });
  });

  describe('behind a sidecar (XFCC)', () => {
    const decisions: Decision[] = [];
    let server: Listening;
    beforeAll(async () => {
      server = await startApp(framework, { mode: 'xfcc', trustedProxies: ['127.0.0.6'], onDecision: (d) => void decisions.push(d) });
    });
    afterAll(() => server.close());
    const fromSidecar = (header: string) => sendRequest(`${server.url}/whoami`, { localAddress: '127.0.0.6', headers: { 'x-forwarded-client-cert': header } });

    it('sees the caller named by the sidecar', async () => {
      const res = await fromSidecar(istioSidecarXfcc({ by: APP_ID, uri: FRONTEND }));
      expect(res.status).toBe(200);
      expect(res.json<WhoAmI>()).toMatchObject({ peer: { id: FRONTEND, namespace: 'shop', serviceAccount: 'frontend', source: 'xfcc' }, peerSource: 'xfcc' });
    });

    it('believes only the last element: what the caller prepended is history', async () => {
      const header = buildXfcc([
        { by: [APP_ID], uri: ['spiffe://cluster.local/ns/shop/sa/admin'] },
        { by: [APP_ID], hash: 'a'.repeat(64), subject: '', uri: [FRONTEND] },
      ]);
      const res = await fromSidecar(header);
      expect(res.json<WhoAmI>().peer?.id).toBe(FRONTEND);
    });

    it('ignores the header from an untrusted hop (a caller that bypassed the sidecar)', async () => {
      const res = await sendRequest(`${server.url}/whoami`, {
        localAddress: '127.0.0.1',
        headers: { 'x-forwarded-client-cert': istioSidecarXfcc({ by: APP_ID, uri: 'spiffe://cluster.local/ns/shop/sa/admin' }) },
      });
      expect(res.status).toBe(200);
      expect(res.json<WhoAmI>()).toMatchObject({ path: '/whoami', peer: null, peerSource: 'none', xfccIgnored: 'untrusted-hop', auth: null });
    });

    it('names each caller when one pooled connection alternates them, and never lends a trusted header to an untrusted hop', async () => {
      // More callers than the connection keeps recent headers for (4), twice over, with a header
      // that does not parse among them: every request is decided for its own header.
      const six = ['frontend', 'admin', 'billing', 'worker', 'cron', 'search'].map((sa) => `spiffe://cluster.local/ns/shop/sa/${sa}`);
      const callers = [FRONTEND, 'spiffe://cluster.local/ns/shop/sa/admin', FRONTEND, 'spiffe://cluster.local/ns/shop/sa/admin', ...six, 'malformed', ...six.reverse(), FRONTEND];
      const pooled = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const seen: (string | number | undefined)[] = [];
        for (const uri of callers) {
          const xfcc = uri === 'malformed' ? `By=${APP_ID};URI="${FRONTEND}` : istioSidecarXfcc({ by: APP_ID, uri });
          const res = await sendRequest(`${server.url}/whoami`, { agent: pooled, localAddress: '127.0.0.6', headers: { 'x-forwarded-client-cert': xfcc } });
          seen.push(res.status === 200 ? res.json<WhoAmI>().peer?.id : res.status);
        }
        expect(seen).toEqual(callers.map((c) => (c === 'malformed' ? 400 : c)));
      } finally {
        pooled.destroy();
      }
      // The header just decided for the sidecar's connection, now from a caller that bypassed it.
      const bypass = await sendRequest(`${server.url}/whoami`, { localAddress: '127.0.0.1', headers: { 'x-forwarded-client-cert': istioSidecarXfcc({ by: APP_ID, uri: FRONTEND }) } });
      expect(bypass.json<WhoAmI>()).toMatchObject({ peer: null, xfccIgnored: 'untrusted-hop' });
    });

    const refusals = [
      ['an unterminated quote', 'By=spiffe://a/b;Subject="CN=x;URI=spiffe://cluster.local/ns/shop/sa/admin', 400, 'XFCC_MALFORMED', 'unterminated-quote'],
      ['a repeated Hash', `Hash=${'a'.repeat(64)};Hash=${'b'.repeat(64)};URI=${FRONTEND}`, 400, 'XFCC_MALFORMED', 'duplicate-key'],
      ['a pair without "="', `By=${APP_ID};URI`, 400, 'XFCC_MALFORMED', 'missing-equals'],
      ['no URI in the last element', `By=${APP_ID};Hash=${'a'.repeat(64)};DNS=frontend.shop`, 401, 'XFCC_URI_COUNT', '0 URI values'],
      ['two URIs in the last element', `By=${APP_ID};URI=${FRONTEND};URI=spiffe://cluster.local/ns/x/sa/y`, 401, 'XFCC_URI_COUNT', '2 URI values'],
      ['a URI that is not a SPIFFE ID', `By=${APP_ID};URI=https://frontend.shop/`, 401, 'XFCC_INVALID_ID', 'wrong-scheme'],
      ['an upper-case trust domain', `By=${APP_ID};URI=spiffe://Cluster.Local/ns/shop/sa/frontend`, 401, 'XFCC_INVALID_ID', 'bad-trust-domain-char'],
      ['a percent-encoded ID', `By=${APP_ID};URI=spiffe://cluster.local/ns/shop/sa/%61dmin`, 401, 'XFCC_INVALID_ID', 'percent-encoding'],
      ['a trust-domain-only ID', `By=${APP_ID};URI=spiffe://cluster.local`, 401, 'XFCC_INVALID_ID', 'no-path'],
    ] as const;
    it.each(refusals)('refuses %s', async (_what, header, status, code, detail) => {
      decisions.length = 0;
      const res = await fromSidecar(header);
      expect(res.status).toBe(status);
      expect(res.json()).toMatchObject({ code });
      expect(decisions.map((d) => d.detail)).toEqual([detail]);
    });
  });

  describe('XFCC options', () => {
    let server: Listening;
    beforeAll(async () => {
      server = await startApp(framework, { requirePeer: true, xfcc: { expectBy: APP_ID, requireSingleElement: true }, trustDomains: ['cluster.local'] });
    });
    afterAll(() => server.close());
    const send = (header?: string) => sendRequest(`${server.url}/whoami`, { localAddress: '127.0.0.6', headers: header === undefined ? {} : { 'x-forwarded-client-cert': header } });

    it('accepts the header written for this workload', async () => {
      const res = await send(istioSidecarXfcc({ by: APP_ID, uri: FRONTEND }));
      expect(res.json<WhoAmI>().peer?.id).toBe(FRONTEND);
    });

    it('refuses a header written for another workload (By mismatch)', async () => {
      const res = await send(istioSidecarXfcc({ by: 'spiffe://cluster.local/ns/shop/sa/other', uri: FRONTEND }));
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ code: 'XFCC_BY_MISMATCH' });
    });

    it('refuses several elements when the proxy is known to rewrite the header', async () => {
      const one = istioSidecarXfcc({ by: APP_ID, uri: FRONTEND });
      const res = await send(`${one},${one}`);
      expect(res.json()).toMatchObject({ code: 'XFCC_ELEMENT_COUNT' });
    });

    it('refuses an identity of a trust domain not accepted', async () => {
      const res = await send(istioSidecarXfcc({ by: APP_ID, uri: 'spiffe://partner.example/ns/x/sa/y' }));
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ code: 'UNTRUSTED_DOMAIN' });
    });

    it('refuses a request without identity with 401 PEER_REQUIRED', async () => {
      const res = await send();
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: 'a verified peer identity is required', code: 'PEER_REQUIRED' });
    });
  });
});
