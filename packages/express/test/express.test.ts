import { describe, expect, it, jest } from '@jest/globals';
import express5 from 'express';
import express4 from 'express4';
import request from 'supertest';
import { OptionError, type Decision } from '@meshauth/core';
import { istioSidecarXfcc } from '@meshauth/testkit';
import { meshAuth } from '../src/index.js';

const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
const CALLER = 'spiffe://cluster.local/ns/shop/sa/frontend';
const header = istioSidecarXfcc({ by: APP_ID, uri: CALLER });

describe.each([
  ['express 4', express4],
  ['express 5', express5],
])('@meshauth/express on %s', (_name, express) => {
  function app(options: Parameters<typeof meshAuth>[0]) {
    const a = express();
    a.use(meshAuth(options));
    a.get('/whoami', (req, res) => {
      // Compile-time check of the module augmentation: no cast needed.
      const sa: string | undefined = req.peerPrincipal?.serviceAccount;
      res.json({ id: req.peerPrincipal?.id ?? null, sa: sa ?? null, code: req.meshAuth?.code });
    });
    const router = express.Router();
    router.get('/nested', (req, res) => {
      res.json({ id: req.peerPrincipal?.id ?? null });
    });
    a.use('/api', router);
    return a;
  }

  it('puts the caller from a trusted XFCC on req.peerPrincipal (supertest connects from loopback)', async () => {
    const res = await request(app({})).get('/whoami').set('x-forwarded-client-cert', header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: CALLER, sa: 'frontend', code: 'OK' });
  });

  it('reaches handlers on mounted routers too', async () => {
    const res = await request(app({})).get('/api/nested').set('x-forwarded-client-cert', header);
    expect(res.body).toEqual({ id: CALLER });
  });

  it('leaves peerPrincipal undefined when there is no identity and none is required', async () => {
    const res = await request(app({})).get('/whoami');
    expect(res.body).toEqual({ id: null, sa: null, code: 'OK' });
  });

  it('answers 401 with a JSON reason code when requirePeer is set, and never runs the handler', async () => {
    const res = await request(app({ requirePeer: true })).get('/whoami');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'a verified peer identity is required', code: 'PEER_REQUIRED' });
  });

  it('answers 400 for a malformed header from a trusted hop', async () => {
    const res = await request(app({})).get('/whoami').set('x-forwarded-client-cert', 'By=spiffe://a/b;URI="spiffe://cluster.local/ns/x/sa/y');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('XFCC_MALFORMED');
  });

  it('reports every decision to onDecision, with the detail kept out of the response', async () => {
    const seen: Decision[] = [];
    const onDecision = jest.fn((d: Decision) => void seen.push(d));
    const res = await request(app({ onDecision })).get('/whoami').set('x-forwarded-client-cert', 'URI=spiffe://cluster.local/ns/x/sa/y/');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'x-forwarded-client-cert URI is not a SPIFFE ID', code: 'XFCC_INVALID_ID' });
    expect(onDecision).toHaveBeenCalledTimes(1);
    expect(seen[0]?.detail).toBe('trailing-slash');
  });

  it('keeps req.peerPrincipal readable and writable in handlers and in mounted sub-apps', async () => {
    const a = express();
    a.use(meshAuth({}));
    const sub = express();
    sub.get('/seen', (req, res) => {
      res.json({ id: req.peerPrincipal?.id ?? null, code: req.meshAuth?.code ?? null });
    });
    a.use('/sub', sub);
    a.get('/override', (req, res) => {
      req.peerPrincipal = undefined;
      res.json({ id: req.peerPrincipal ?? null, decided: req.meshAuth?.peer?.id ?? null });
    });
    expect((await request(a).get('/sub/seen').set('x-forwarded-client-cert', header)).body).toEqual({ id: CALLER, code: 'OK' });
    expect((await request(a).get('/override').set('x-forwarded-client-cert', header)).body).toEqual({ id: null, decided: CALLER });
    // A request the middleware never saw has no identity.
    const bare = express();
    bare.get('/', (req, res) => void res.json({ id: req.peerPrincipal ?? null }));
    expect((await request(bare).get('/')).body).toEqual({ id: null });
  });

  it('validates options when the middleware is made', () => {
    expect(() => meshAuth({ mode: 'mtls' as never })).toThrow(OptionError);
  });
});
