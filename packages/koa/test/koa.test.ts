import { describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import request from 'supertest';
import { OptionError } from '@meshauth/core';
import { istioSidecarXfcc } from '@meshauth/testkit';
import { meshAuth } from '../src/index.js';

const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
const CALLER = 'spiffe://cluster.local/ns/shop/sa/frontend';
const header = istioSidecarXfcc({ by: APP_ID, uri: CALLER });

function app(options: Parameters<typeof meshAuth>[0] = {}) {
  const a = new Koa();
  let reached = 0;
  a.use(meshAuth(options));
  a.use((ctx) => {
    reached++;
    // Compile-time check of the module augmentation: no cast needed.
    const sa: string | undefined = ctx.state.peerPrincipal?.serviceAccount;
    ctx.body = { id: ctx.state.peerPrincipal?.id ?? null, ctxId: ctx.peerPrincipal?.id ?? null, sa: sa ?? null, code: ctx.state.meshAuth?.code };
  });
  return { server: a.callback(), reached: () => reached };
}

describe('@meshauth/koa', () => {
  it('puts the caller on ctx.state.peerPrincipal and ctx.peerPrincipal', async () => {
    const { server } = app();
    const res = await request(server).get('/').set('x-forwarded-client-cert', header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: CALLER, ctxId: CALLER, sa: 'frontend', code: 'OK' });
  });

  it('answers 401 as JSON when requirePeer is set, without calling downstream middleware', async () => {
    const { server, reached } = app({ requirePeer: true });
    const res = await request(server).get('/');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'a verified peer identity is required', code: 'PEER_REQUIRED' });
    expect(reached()).toBe(0);
  });

  it('answers 400 for a malformed header from a trusted hop', async () => {
    const { server } = app();
    const res = await request(server).get('/').set('x-forwarded-client-cert', 'URI');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('XFCC_MALFORMED');
  });

  it('validates options when the middleware is made', () => {
    expect(() => meshAuth({ trustedProxies: ['nowhere'] })).toThrow(OptionError);
  });
});
