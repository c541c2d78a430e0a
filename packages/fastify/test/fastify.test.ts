import { describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyRequest } from 'fastify';
import { OptionError } from '@meshauth/core';
import { istioSidecarXfcc } from '@meshauth/testkit';
import meshAuth, { meshAuth as named } from '../src/index.js';

const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
const CALLER = 'spiffe://cluster.local/ns/shop/sa/frontend';
const header = istioSidecarXfcc({ by: APP_ID, uri: CALLER });
// Read through a call, so that the compiler does not narrow the field to what was just assigned.
const peerOf = (request: FastifyRequest) => request.peerPrincipal;

async function app(options: Parameters<typeof meshAuth>[1] = {}) {
  const a = Fastify();
  await a.register(meshAuth, options);
  a.get('/whoami', async (request) => {
    // Compile-time check of the module augmentation: no cast needed.
    const sa: string | undefined = request.peerPrincipal?.serviceAccount;
    return { id: request.peerPrincipal?.id ?? null, sa: sa ?? null, code: request.meshAuth?.code };
  });
  return a;
}

describe('@meshauth/fastify', () => {
  it('exports the plugin as default and named, wrapped with fastify-plugin', () => {
    expect(named).toBe(meshAuth);
    expect((meshAuth as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')]).toBe('@meshauth/fastify');
  });

  it('puts the caller from a trusted XFCC on request.peerPrincipal (inject comes from loopback)', async () => {
    const a = await app();
    const res = await a.inject({ url: '/whoami', headers: { 'x-forwarded-client-cert': header } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: CALLER, sa: 'frontend', code: 'OK' });
    await a.close();
  });

  it('reads peerPrincipal and auth from the decision: empty on a denied request, assignable by another plugin', async () => {
    const seen: unknown[] = [];
    const a = Fastify();
    await a.register(meshAuth, { workload: { namespace: 'shop' }, policies: [{ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny-admin', namespace: 'istio-system' }, spec: { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] } }] });
    a.addHook('onResponse', async (request) => void seen.push([request.url, request.meshAuth?.code, request.peerPrincipal?.id ?? null, request.auth ?? null]));
    a.get('/admin', async () => 'reached');
    a.get('/whoami', async (request) => ({ id: request.peerPrincipal?.id ?? null }));
    a.get('/stand-in', async (request) => {
      request.peerPrincipal = undefined;
      return { id: peerOf(request)?.id ?? null, decided: request.meshAuth?.peer?.id };
    });
    expect((await a.inject({ url: '/admin', headers: { 'x-forwarded-client-cert': header } })).statusCode).toBe(403);
    expect((await a.inject({ url: '/whoami', headers: { 'x-forwarded-client-cert': header } })).json()).toEqual({ id: CALLER });
    expect((await a.inject({ url: '/stand-in', headers: { 'x-forwarded-client-cert': header } })).json()).toEqual({ id: null, decided: CALLER });
    // The next request is not touched by what a handler assigned on the previous one.
    expect((await a.inject({ url: '/whoami', headers: { 'x-forwarded-client-cert': header } })).json()).toEqual({ id: CALLER });
    expect(seen[0]).toEqual(['/admin', 'ACCESS_DENIED', null, null]);
    await a.close();
  });

  it('follows Fastify encapsulation: root registration covers child plugins, child registration only its own routes', async () => {
    const a = Fastify();
    await a.register(meshAuth, { requirePeer: true });
    await a.register(async (child) => {
      child.get('/child', async () => 'reached');
    });
    expect((await a.inject({ url: '/child' })).statusCode).toBe(401);
    await a.close();

    const b = Fastify();
    await b.register(async (child) => {
      await child.register(meshAuth, { requirePeer: true });
      child.get('/guarded', async () => 'reached');
    });
    b.get('/open', async () => 'reached');
    const guarded = await b.inject({ url: '/guarded' });
    expect(guarded.statusCode).toBe(401);
    expect(guarded.json()).toEqual({ error: 'a verified peer identity is required', code: 'PEER_REQUIRED' });
    expect((await b.inject({ url: '/open' })).body).toBe('reached');
    await b.close();
  });

  it('refuses before the handler runs, also for unknown routes', async () => {
    const a = await app({ requirePeer: true });
    expect((await a.inject({ url: '/whoami' })).statusCode).toBe(401);
    expect((await a.inject({ url: '/nope' })).json()).toMatchObject({ code: 'PEER_REQUIRED' });
    await a.close();
  });

  it('answers 400 for a malformed header from a trusted hop', async () => {
    const a = await app();
    const res = await a.inject({ url: '/whoami', headers: { 'x-forwarded-client-cert': 'Hash=a;Hash=b;URI=spiffe://td/x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('XFCC_MALFORMED');
    await a.close();
  });

  it("ignores Fastify's own register options and validates the rest", async () => {
    const a = Fastify();
    await a.register(meshAuth, { prefix: '/v1', logLevel: 'warn' } as never);
    await a.ready();
    await a.close();
    const b = Fastify();
    await expect(b.register(meshAuth, { requirePeers: true } as never)).rejects.toThrow(OptionError);
    await b.close();
  });
});
