import { afterEach, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { istioSidecarXfcc } from '@meshauth/testkit';
import meshAuth, { authorize, type MeshAuthOptions } from '../src/index.js';

const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
const xfcc = (ns: string): string => istioSidecarXfcc({ by: APP_ID, uri: `spiffe://cluster.local/ns/${ns}/sa/x` });
const admins = { from: [{ source: { namespaces: ['admin'] } }] };
const OWNERS: Record<string, string> = { '7': 'cluster.local/ns/shop/sa/x' };
const POLICIES = { text: 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: d, namespace: shop}\nspec:\n  action: DENY\n  rules: [{to: [{operation: {paths: [/admin]}}]}]\n' };

let app: FastifyInstance;
afterEach(() => app.close());

async function build(options: FastifyServerOptions = {}, plugin: MeshAuthOptions = {}): Promise<FastifyInstance> {
  app = Fastify(options);
  await app.register(meshAuth, plugin);
  app.get('/admin', { config: { meshAuth: { allow: admins, name: 'admins' } } }, async () => 'admin');
  app.delete('/orders/:id', { config: { meshAuth: { deny: { from: [{ source: { notNamespaces: ['shop'] } }] } } } }, async () => 'deleted');
  app.post<{ Params: { id: string } }>('/orders/:id/cancel', async (request, reply) => {
    const owner = OWNERS[request.params.id] ?? 'nobody';
    const decision = authorize(request, { from: [{ source: { principals: [owner] } }] });
    if (!decision.allowed) return reply.code(decision.status).headers(decision.response.headers).send(decision.response.body);
    return 'cancelled';
  });
  app.get('/plain', async () => 'plain');
  return app;
}

const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, ns?: string) =>
  app.inject({ method, url, remoteAddress: '127.0.0.6', headers: ns === undefined ? {} : { 'x-forwarded-client-cert': xfcc(ns) } });

describe('route rules on Fastify', () => {
  it('compiles config.meshAuth when the route is registered and checks it per request', async () => {
    await build();
    expect((await inject('GET', '/admin', 'admin')).body).toBe('admin');
    const denied = await inject('GET', '/admin', 'shop');
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toBe('RBAC: access denied');
    expect((await inject('DELETE', '/orders/1', 'web')).statusCode).toBe(403);
    expect((await inject('DELETE', '/orders/1', 'shop')).body).toBe('deleted');
    expect((await inject('GET', '/plain', 'web')).body).toBe('plain');
  });

  it('decides with application data in a handler', async () => {
    await build();
    expect((await inject('POST', '/orders/7/cancel', 'shop')).body).toBe('cancelled');
    expect((await inject('POST', '/orders/8/cancel', 'shop')).statusCode).toBe(403);
  });

  it('fails registration for an invalid route rule', async () => {
    app = Fastify();
    await app.register(meshAuth, {});
    expect(() => app.get('/x', { config: { meshAuth: { allow: { from: [{ source: { ipBlocks: ['nope'] } }] } } } }, async () => 'x')).toThrow(/ipBlocks/);
  });

  it('evaluates the matched route with the router options of the instance', async () => {
    await build({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } }, { policies: POLICIES, workload: { namespace: 'shop' } });
    expect((await inject('GET', '/ADMIN/', 'admin')).statusCode).toBe(403);
    expect((await inject('GET', '/%61dmin', 'admin')).statusCode).toBe(403);
    expect((await inject('GET', '/admin;x', 'admin')).statusCode).toBe(400);
  });
});
