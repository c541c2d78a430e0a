import { describe, expect, it } from '@jest/globals';
import express5 from 'express';
import express4 from 'express4';
import request from 'supertest';
import { istioSidecarXfcc } from '@meshauth/testkit';
import { authorize, compileRouteRules, meshAuth, NotMountedError } from '../src/index.js';

const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
const xfcc = (ns: string): string => istioSidecarXfcc({ by: APP_ID, uri: `spiffe://cluster.local/ns/${ns}/sa/x` });
const admins = { from: [{ source: { namespaces: ['admin'] } }] };
const OWNERS: Record<string, string> = { '7': 'cluster.local/ns/shop/sa/x' };

describe.each([
  ['express 4', express4],
  ['express 5', express5],
])('route rules on %s', (_name, express) => {
  function app() {
    const a = express();
    const mw = meshAuth({});
    a.use(mw);
    a.get('/admin', meshAuth.allow(admins, { name: 'admins' }), (_req, res) => void res.send('admin'));
    a.get('/bound', mw.allow(admins), (_req, res) => void res.send('bound'));
    a.delete('/orders/:id', meshAuth.deny({ from: [{ source: { notNamespaces: ['shop', 'admin'] } }] }), (_req, res) => void res.send('deleted'));
    const router = express.Router();
    router.get('/report', meshAuth.allow(compileRouteRules(admins)), (_req, res) => void res.send('report'));
    a.use('/api', router);
    a.post('/orders/:id/cancel', (req, res) => {
      const owner = OWNERS[String(req.params['id'])] ?? 'nobody';
      const decision = authorize(req, { from: [{ source: { principals: [owner] } }] });
      if (!decision.allowed) return void res.status(decision.status).set(decision.response.headers).send(decision.response.body);
      res.send('cancelled');
    });
    return a;
  }

  it('lets a guard pass only matching callers', async () => {
    expect((await request(app()).get('/admin').set('x-forwarded-client-cert', xfcc('admin'))).text).toBe('admin');
    const res = await request(app()).get('/admin').set('x-forwarded-client-cert', xfcc('shop'));
    expect(res.status).toBe(403);
    expect(res.text).toBe('RBAC: access denied');
    expect((await request(app()).get('/bound').set('x-forwarded-client-cert', xfcc('admin'))).text).toBe('bound');
  });

  it('applies deny guards and guards in mounted routers', async () => {
    expect((await request(app()).delete('/orders/1').set('x-forwarded-client-cert', xfcc('web'))).status).toBe(403);
    expect((await request(app()).delete('/orders/1').set('x-forwarded-client-cert', xfcc('shop'))).text).toBe('deleted');
    expect((await request(app()).get('/api/report').set('x-forwarded-client-cert', xfcc('admin'))).text).toBe('report');
    expect((await request(app()).get('/api/report').set('x-forwarded-client-cert', xfcc('shop'))).status).toBe(403);
  });

  it('refuses ambiguous requests at the guard', async () => {
    const res = await request(app()).get('/admin').set('x-forwarded-client-cert', xfcc('admin')).set('x-http-method-override', 'nope');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'ambiguous request method', code: 'AMBIGUOUS_METHOD' });
  });

  it('decides with application data in a handler', async () => {
    expect((await request(app()).post('/orders/7/cancel').set('x-forwarded-client-cert', xfcc('shop'))).text).toBe('cancelled');
    expect((await request(app()).post('/orders/8/cancel').set('x-forwarded-client-cert', xfcc('shop'))).status).toBe(403);
  });

  it('fails when the middleware is not mounted', async () => {
    const a = express();
    a.get('/admin', meshAuth.allow(admins), (_req, res) => void res.send('admin'));
    a.use((err: Error, _req: unknown, res: { status(n: number): { send(b: string): void } }, _next: unknown) => {
      res.status(500).send(err instanceof NotMountedError ? err.code : 'other');
    });
    const res = await request(a).get('/admin');
    expect(res.status).toBe(500);
    expect(res.text).toBe('ERR_NOT_MOUNTED');
  });

  it('throws at guard creation for an invalid rule', () => {
    expect(() => meshAuth.allow({ from: [{ source: { ipBlocks: ['nope'] } }] })).toThrow(/ipBlocks/);
  });

  it('reads case sensitive and strict routing from the app', async () => {
    const policies = { text: 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: d, namespace: shop}\nspec:\n  action: DENY\n  rules: [{to: [{operation: {paths: [/admin]}}]}]\n' };
    const lenient = express();
    lenient.use(meshAuth({ policies, workload: { namespace: 'shop' } }));
    lenient.get('/admin', (_req, res) => void res.send('admin'));
    expect((await request(lenient).get('/ADMIN/')).status).toBe(403);
    const strict = express();
    strict.enable('case sensitive routing');
    strict.enable('strict routing');
    strict.use(meshAuth({ policies, workload: { namespace: 'shop' } }));
    strict.get('/admin', (_req, res) => void res.send('admin'));
    expect((await request(strict).get('/ADMIN/')).status).toBe(404);
    expect((await request(strict).get('/admin')).status).toBe(403);
  });
});
