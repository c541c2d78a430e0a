import { describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import request from 'supertest';
import { istioSidecarXfcc } from '@meshauth/testkit';
import { authorize, meshAuth } from '../src/index.js';

const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
const xfcc = (ns: string): string => istioSidecarXfcc({ by: APP_ID, uri: `spiffe://cluster.local/ns/${ns}/sa/x` });
const admins = { from: [{ source: { namespaces: ['admin'] } }] };
const POLICIES = { text: 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: d, namespace: shop}\nspec:\n  action: DENY\n  rules: [{to: [{operation: {paths: [/admin]}}]}]\n' };

// A minimal router in the shape of @koa/router's per-route middleware chain.
function app(options: Parameters<typeof meshAuth>[0] = {}) {
  const a = new Koa();
  const mw = meshAuth(options);
  a.use(mw);
  const allowAdmins = meshAuth.allow(admins);
  const bound = mw.deny({ from: [{ source: { namespaces: ['web'] } }] });
  a.use(async (ctx, next) => {
    if (ctx.path === '/admin') return allowAdmins(ctx, async () => void (ctx.body = 'admin'));
    if (ctx.path === '/orders') return bound(ctx, async () => void (ctx.body = 'orders'));
    if (ctx.path === '/cancel') {
      const decision = authorize(ctx, { from: [{ source: { principals: ['cluster.local/ns/shop/sa/x'] } }] });
      if (!decision.allowed) {
        ctx.status = decision.status;
        ctx.body = decision.response.body;
        return;
      }
      ctx.body = 'cancelled';
      return;
    }
    return next();
  });
  return a.callback();
}

describe('route rules on Koa', () => {
  it('guards routes with allow and deny rules', async () => {
    expect((await request(app()).get('/admin').set('x-forwarded-client-cert', xfcc('admin'))).text).toBe('admin');
    expect((await request(app()).get('/admin').set('x-forwarded-client-cert', xfcc('shop'))).status).toBe(403);
    expect((await request(app()).get('/orders').set('x-forwarded-client-cert', xfcc('web'))).status).toBe(403);
    expect((await request(app()).get('/orders').set('x-forwarded-client-cert', xfcc('shop'))).text).toBe('orders');
  });

  it('decides in a handler', async () => {
    expect((await request(app()).get('/cancel').set('x-forwarded-client-cert', xfcc('shop'))).text).toBe('cancelled');
    expect((await request(app()).get('/cancel').set('x-forwarded-client-cert', xfcc('web'))).status).toBe(403);
  });

  it('takes the router options with @koa/router names and defaults', async () => {
    const lenient = app({ policies: POLICIES, workload: { namespace: 'shop' } });
    expect((await request(lenient).get('/ADMIN/')).status).toBe(403);
    const strict = app({ policies: POLICIES, workload: { namespace: 'shop' }, router: { sensitive: true, strict: true } });
    expect((await request(strict).get('/ADMIN/')).status).toBe(404);
  });
});
