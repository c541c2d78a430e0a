/**
 * Policies are swapped atomically at runtime; a set that does not load never replaces the one in
 * force. The engine behind each adapter also explains any request.
 */
import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { meshAuth as expressMeshAuth } from '@meshauth/express';
import fastifyMeshAuth from '@meshauth/fastify';
import { meshAuth as koaMeshAuth } from '@meshauth/koa';
import { istioSidecarXfcc, listen, sendRequest } from '@meshauth/testkit';

const policy = (paths: string[]) => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'readers', namespace: 'shop' },
  spec: { action: 'ALLOW', rules: [{ to: [{ operation: { paths } }] }] },
});
const options = { policies: [policy(['/a'])], workload: { namespace: 'shop' } };

describe('runtime policy updates', () => {
  it('swaps in a new policy set and keeps the old one when the new one is invalid', async () => {
    const mw = expressMeshAuth(options);
    const app = express();
    app.use(mw);
    app.get('/:p', (_req, res) => void res.send('ok'));
    const server = await listen(createServer(app));
    try {
      expect((await sendRequest(`${server.url}/a`)).status).toBe(200);
      expect((await sendRequest(`${server.url}/b`)).status).toBe(403);

      mw.engine.updatePolicies([policy(['/b'])]);
      expect((await sendRequest(`${server.url}/a`)).status).toBe(403);
      expect((await sendRequest(`${server.url}/b`)).status).toBe(200);

      const broken = { ...policy(['/a']), spec: { action: 'PERMIT', rules: [{}] } };
      expect(() => mw.engine.updatePolicies([broken])).toThrow(/"policies" option could not be loaded/);
      expect((await sendRequest(`${server.url}/b`)).status).toBe(200);
      expect((await sendRequest(`${server.url}/a`)).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('explains a request through the engine of each adapter', async () => {
    const header = istioSidecarXfcc({ by: 'spiffe://cluster.local/ns/shop/sa/orders', uri: 'spiffe://cluster.local/ns/shop/sa/frontend' });
    const fastify = Fastify();
    await fastify.register(fastifyMeshAuth, options);
    fastify.get('/a', async (request) => {
      const explained = fastify.meshAuthEngine.explain(request.raw);
      return { allowed: explained?.allowed, policies: explained?.trace.map((t) => t.policy) };
    });
    const res = await fastify.inject({ url: '/a', headers: { 'x-forwarded-client-cert': header } });
    expect(res.json()).toEqual({ allowed: true, policies: ['shop/readers'] });
    await fastify.close();

    const mw = koaMeshAuth(options);
    const app = new Koa();
    app.use(mw);
    app.use((ctx) => {
      ctx.body = { id: mw.engine.explain(ctx.req)?.id };
    });
    const server = await listen(createServer(app.callback()));
    try {
      expect((await sendRequest(`${server.url}/a`)).json()).toEqual({ id: 'ns[shop]-policy[readers]-rule[0]' });
      expect((await sendRequest(`${server.url}/x`)).body).toBe('RBAC: access denied');
    } finally {
      await server.close();
    }
  });
});
