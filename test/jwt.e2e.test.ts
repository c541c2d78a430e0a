/**
 * RequestAuthentication and AuthorizationPolicy together, from the same manifests, in every
 * framework: a real JWT issuer on 127.0.0.1 publishes its keys; tokens are checked as Envoy's
 * jwt_authn checks them and `request.auth.*` feeds the policy (request-authentication.md).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Decision } from '@meshauth/core';
import { sendRequest, startJwtIssuer, type Listening, type TestJwtIssuer } from '@meshauth/testkit';
import { FRAMEWORKS, startApp, type WhoAmI } from './support/apps.js';

let idp: TestJwtIssuer;
beforeAll(async () => {
  idp = await startJwtIssuer();
});
afterAll(() => idp.close());

function manifests(issuer: TestJwtIssuer): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'jwt', namespace: 'shop' },
      spec: {
        jwtRules: [
          {
            issuer: issuer.issuer,
            jwksUri: issuer.jwksUri,
            audiences: ['orders'],
            forwardOriginalToken: false,
            outputClaimToHeaders: [{ header: 'x-jwt-tenant', claim: 'tenant' }],
          },
        ],
      },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'require-jwt', namespace: 'shop' },
      spec: {
        action: 'ALLOW',
        rules: [
          { from: [{ source: { requestPrincipals: [`${issuer.issuer}/*`] } }], to: [{ operation: { paths: ['/orders/*'] } }] },
          { to: [{ operation: { paths: ['/admin/*'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['admin'] }] },
          { to: [{ operation: { paths: ['/public'] } }] },
        ],
      },
    },
  ];
}

describe.each(FRAMEWORKS)('JWT on %s', (framework) => {
  const decisions: Decision[] = [];
  let server: Listening;
  beforeAll(async () => {
    server = await startApp(
      framework,
      { policies: manifests(idp), workload: { namespace: 'shop' }, jwt: { jwks: { cooldownMs: 0 } }, onDecision: (d) => void decisions.push(d) },
      undefined,
      ['/orders/:id', '/admin/:x', '/public'],
    );
  });
  afterAll(() => server.close());
  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    sendRequest(`${server.url}${path}`, { headers: { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) } });

  it('hands the verified token to the handler and lets the policy use its principal', async () => {
    const res = await get('/orders/7', idp.sign({ sub: 'alice', aud: 'orders', tenant: 'acme' }));
    expect(res.status).toBe(200);
    const body = res.json<WhoAmI>();
    expect(body.auth).toMatchObject({ principal: `${idp.issuer}/alice`, claims: { sub: 'alice', tenant: 'acme' } });
    // forwardOriginalToken: false removes the header the token came from (jwt_authn `forward`).
    expect(body.headers).not.toHaveProperty('authorization');
    // outputClaimToHeaders, as Envoy writes claim_to_headers.
    expect(body.headers['x-jwt-tenant']).toBe('acme');
  });

  it('strips a client-supplied copy of an output header', async () => {
    const res = await get('/public', undefined, { 'x-jwt-tenant': 'forged' });
    expect(res.status).toBe(200);
    expect(res.json<WhoAmI>().headers).not.toHaveProperty('x-jwt-tenant');
  });

  it('lets a request without a token through authentication; the policy then decides', async () => {
    expect((await get('/public')).status).toBe(200);
    const res = await get('/orders/7');
    expect(res.status).toBe(403);
    expect(res.body).toBe('RBAC: access denied');
  });

  it('matches request.auth.claims[] in a when condition (strings and string list elements only)', async () => {
    expect((await get('/admin/x', idp.sign({ sub: 'bob', aud: 'orders', groups: ['dev', 'admin'] }))).status).toBe(200);
    expect((await get('/admin/x', idp.sign({ sub: 'eve', aud: 'orders', groups: ['dev'] }))).status).toBe(403);
    expect((await get('/admin/x', idp.sign({ sub: 'eve', aud: 'orders', groups: true }))).status).toBe(403);
  });

  it('answers an invalid token with 401 and a Bearer challenge (RFC 6750), before any policy', async () => {
    decisions.length = 0;
    const expired = idp.sign({ sub: 'alice', aud: 'orders', exp: Math.floor(Date.now() / 1000) - 3600 });
    const res = await get('/public', expired);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="http://127.0.0.1:${server.port}/public", error="invalid_token"`);
    expect(res.json()).toEqual({ error: 'Jwt is expired', code: 'JWT_EXPIRED' });
    expect(decisions[0]?.authz).toBeUndefined();
  });

  it('answers a token for another audience with 403, as Envoy does', async () => {
    const res = await get('/orders/7', idp.sign({ sub: 'alice', aud: 'billing' }));
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ code: 'JWT_AUDIENCE_NOT_ALLOWED' });
  });

  it('refuses a token of an unknown issuer and a forged signature', async () => {
    const other = await startJwtIssuer();
    try {
      expect((await get('/orders/7', other.sign({ sub: 'mallory', aud: 'orders' }))).json()).toMatchObject({ code: 'JWT_UNKNOWN_ISSUER' });
      const good = idp.sign({ sub: 'alice', aud: 'orders' });
      const forged = `${good.split('.').slice(0, 2).join('.')}.${other.sign({}).split('.')[2]}`;
      expect((await get('/orders/7', forged)).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('key rotation', () => {
  it('accepts tokens of the old and the new key during a rollover, and only the new one after', async () => {
    const rotating = await startJwtIssuer({ alg: 'RS256' });
    const server = await startApp('fastify', { policies: manifests(rotating), workload: { namespace: 'shop' }, jwt: { jwks: { cooldownMs: 0 } } }, undefined, ['/orders/:id']);
    try {
      const old = rotating.sign({ sub: 'a', aud: 'orders' });
      expect((await sendRequest(`${server.url}/orders/1`, { headers: { authorization: `Bearer ${old}` } })).status).toBe(200);
      rotating.rotate();
      const fresh = rotating.sign({ sub: 'a', aud: 'orders' });
      // An unknown kid makes the key set be fetched again (with a cooldown; 0 here).
      expect((await sendRequest(`${server.url}/orders/1`, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
      expect((await sendRequest(`${server.url}/orders/1`, { headers: { authorization: `Bearer ${old}` } })).status).toBe(200);
      rotating.rotate({ retireOld: true });
      const newest = rotating.sign({ sub: 'b', aud: 'orders' });
      expect((await sendRequest(`${server.url}/orders/1`, { headers: { authorization: `Bearer ${newest}` } })).status).toBe(200);
      const retired = await sendRequest(`${server.url}/orders/1`, { headers: { authorization: `Bearer ${fresh}` } });
      expect(retired.status).toBe(401);
      expect(retired.json()).toMatchObject({ code: 'JWKS_NO_MATCHING_KEY' });
    } finally {
      await server.close();
      await rotating.close();
    }
  });
});
