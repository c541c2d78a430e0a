import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createRequestAuthenticator, JwksFetchError, type AuthnResult, type RequestAuthenticator, type RequestAuthenticatorOptions } from '../../src/authn/index.js';
import { startJwksServer, type JwksServer } from './helpers/jwks-server.js';
import { bearer, jwks, makeKey, mint, nowSec, sync, type TestKey } from './helpers/tokens.js';

// Key-set lifecycle against a real HTTP server on 127.0.0.1 (no mocks of fetch). Expectations:
// [RESOLVER] istio pilot/pkg/model/jwks_resolver.go (20 min refresh, retry on failure, last good
// keys kept, discovery), [AUTH] envoy authenticator.cc (onJwksError → "Jwks remote fetch is
// failed", 401; token-less requests unaffected), [IT] istio jwt_test.go `timeout` (10 ms → 401),
// [JOSE] jose remote.ts (timeout, cooldown, refetch on unknown kid), reference §7.

const ISS = 'https://idp.example.com';
let k1: TestKey;
let k2: TestKey;
const servers: JwksServer[] = [];
const authns: RequestAuthenticator[] = [];

beforeAll(async () => {
  k1 = await makeKey('RS256', 'k1');
  k2 = await makeKey('ES256', 'k2');
});

afterEach(async () => {
  for (const a of authns.splice(0)) a.close();
  for (const s of servers.splice(0)) await s.close();
});

async function server(initial: unknown): Promise<JwksServer> {
  const s = await startJwksServer(initial);
  servers.push(s);
  return s;
}

function make(jwksUri: string, options: RequestAuthenticatorOptions = {}, timeoutMs?: number): RequestAuthenticator {
  const a = createRequestAuthenticator([{ issuer: ISS, jwksUri, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }], options);
  authns.push(a);
  return a;
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function reasonOf(r: AuthnResult): string {
  return r.ok ? 'ok' : r.reason;
}

describe('fetching [RESOLVER][AUTH]', () => {
  it('does not block construction on the issuer; token-less requests pass at once, token requests wait for the first fetch', async () => {
    const s = await server(jwks(k1));
    s.setDelay(200);
    const started = Date.now();
    const authn = make(s.jwksUri);
    expect(Date.now() - started).toBeLessThan(100);
    expect(sync(authn.authenticate({ headers: {} })).ok).toBe(true);
    const pending = authn.authenticate(bearer(await mint(k1, { iss: ISS, sub: 'a' })));
    expect(pending).toBeInstanceOf(Promise);
    expect(reasonOf(await pending)).toBe('ok');
    expect(s.jwksRequests).toBe(1); // the request shared the prefetch
  });

  it('verifies synchronously once keys are held', async () => {
    const s = await server(jwks(k1));
    const authn = make(s.jwksUri);
    await authn.ready();
    expect(authn.jwksStatus()[0]).toMatchObject({ kind: 'remote', uri: s.jwksUri, keyCount: 1, failures: 0 });
    expect(reasonOf(sync(authn.authenticate(bearer(await mint(k1, { iss: ISS, sub: 'a' })))))).toBe('ok');
  });

  it('finds the key set by OpenID discovery when the rule has neither jwks nor jwksUri [RESOLVER]', async () => {
    const s = await server(jwks(k1));
    const authn = createRequestAuthenticator([{ issuer: s.origin }]);
    authns.push(authn);
    await authn.ready();
    expect(s.discoveryRequests).toBe(1);
    expect(reasonOf(sync(authn.authenticate(bearer(await mint(k1, { iss: s.origin, sub: 'a' })))))).toBe('ok');
  });

  it('shares one fetch between rules naming the same URL', async () => {
    const s = await server(jwks(k1));
    const authn = createRequestAuthenticator([
      { issuer: ISS, jwksUri: s.jwksUri },
      { issuer: 'https://second', jwksUri: s.jwksUri },
    ]);
    authns.push(authn);
    await authn.ready();
    expect(s.jwksRequests).toBe(1);
    expect(authn.jwksStatus()).toHaveLength(1);
  });
});

describe('failures: 401 for tokens, pass without [AUTH onJwksError][reference §7]', () => {
  it('answers 401 JWKS_FETCH_FAILED on a 500 and lets token-less requests pass', async () => {
    const s = await server(jwks(k1));
    s.setStatus(500);
    const errors: JwksFetchError[] = [];
    const authn = make(s.jwksUri, { onJwksError: (e) => errors.push(e) });
    await authn.ready();
    const r = await authn.authenticate(bearer(await mint(k1, { iss: ISS, sub: 'a' })));
    expect(r).toMatchObject({ ok: false, status: 401, reason: 'JWKS_FETCH_FAILED', message: 'Jwks remote fetch is failed' });
    expect(sync(authn.authenticate({ headers: {} })).ok).toBe(true);
    expect(errors[0]).toBeInstanceOf(JwksFetchError);
    expect(errors[0]).toMatchObject({ code: 'ERR_JWKS_FETCH', reason: 'http-status', uri: s.jwksUri });
  });

  it('times out a slow issuer with the rule timeout [IT timeout]', async () => {
    const s = await server(jwks(k1));
    s.setDelay(1000);
    const authn = make(s.jwksUri, {}, 50);
    const started = Date.now();
    const r = await authn.authenticate(bearer(await mint(k1, { iss: ISS, sub: 'a' })));
    expect(Date.now() - started).toBeLessThan(900);
    expect(reasonOf(r)).toBe('JWKS_FETCH_FAILED');
    expect(authn.jwksStatus()[0]?.lastError?.reason).toBe('timeout');
  });

  it('reports connection refused as a network failure', async () => {
    const s = await server(jwks(k1));
    const uri = s.jwksUri;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const authn = make(uri);
    await authn.ready();
    expect(authn.jwksStatus()[0]?.lastError?.reason).toBe('network');
    expect(reasonOf(await authn.authenticate(bearer(await mint(k1, { iss: ISS, sub: 'a' }))))).toBe('JWKS_FETCH_FAILED');
  });

  it('treats a body that is not a key set as a fetch failure', async () => {
    const s = await server(jwks(k1));
    s.setRawBody('<html>');
    const a = make(s.jwksUri);
    await a.ready();
    expect(a.jwksStatus()[0]?.lastError?.reason).toBe('invalid-json');
    s.setRawBody('{"no":"keys"}');
    const b = make(s.jwksUri);
    await b.ready();
    expect(b.jwksStatus()[0]?.lastError?.reason).toBe('invalid-jwks');
  });

  it('refuses an oversized body', async () => {
    const s = await server(jwks(k1));
    s.setRawBody(JSON.stringify({ keys: [], pad: 'x'.repeat(4096) }));
    const authn = make(s.jwksUri, { jwks: { maxBytes: 2048 } });
    await authn.ready();
    expect(authn.jwksStatus()[0]?.lastError?.reason).toBe('too-large');
  });

  it('fails closed at once (no fetch) while the cooldown after a failure runs', async () => {
    const s = await server(jwks(k1));
    s.setStatus(503);
    const authn = make(s.jwksUri, { jwks: { cooldownMs: 60_000 } });
    await authn.ready();
    const token = await mint(k1, { iss: ISS, sub: 'a' });
    for (let i = 0; i < 20; i++) expect(reasonOf(sync(authn.authenticate(bearer(token))))).toBe('JWKS_FETCH_FAILED');
    expect(s.jwksRequests).toBe(1);
  });
});

describe('rotation [JOSE refetch on unknown kid][RESOLVER refresh]', () => {
  it('accepts old and new keys during a rollover, then drops the retired key', async () => {
    const s = await server(jwks(k1));
    const authn = make(s.jwksUri, { jwks: { cooldownMs: 0 } });
    await authn.ready();
    const old = await mint(k1, { iss: ISS, sub: 'old', exp: nowSec() + 600 });
    expect(reasonOf(sync(authn.authenticate(bearer(old))))).toBe('ok');
    // The issuer publishes the new key alongside the old one and starts signing with it.
    s.setKeys(jwks(k1, k2));
    const fresh = await mint(k2, { iss: ISS, sub: 'new' });
    const r = authn.authenticate(bearer(fresh));
    expect(r).toBeInstanceOf(Promise); // unknown kid: the set is fetched again
    expect(reasonOf(await r)).toBe('ok');
    expect(reasonOf(sync(authn.authenticate(bearer(old))))).toBe('ok');
    expect(reasonOf(sync(authn.authenticate(bearer(fresh))))).toBe('ok');
    // The old key is retired: after the next fetch, tokens it signed are refused, cached or not.
    s.setKeys(jwks(k2));
    const unknown = await mint(k2, { iss: ISS, sub: 'x' }, { kid: 'k3' });
    expect(reasonOf(await authn.authenticate(bearer(unknown)))).toBe('JWKS_NO_MATCHING_KEY'); // triggers the fetch
    // With no cooldown, the unknown kid k1 may trigger one more fetch: the answer is the same.
    expect(reasonOf(await authn.authenticate(bearer(old)))).toBe('JWKS_NO_MATCHING_KEY');
  });

  it('refreshes in the background on the refresh interval', async () => {
    const s = await server(jwks(k1));
    const authn = make(s.jwksUri, { jwks: { refreshIntervalMs: 50, cooldownMs: 60_000 } });
    await authn.ready();
    s.setKeys(jwks(k2));
    await waitFor(() => s.jwksRequests >= 2 && authn.jwksStatus()[0]?.keyCount === 1 && (authn.jwksStatus()[0]?.fetchedAt ?? 0) > 0);
    // A fetch may still be in flight when the counter moves: the request then waits for it.
    let r = await authn.authenticate(bearer(signedK2));
    for (let i = 0; i < 100 && !r.ok; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      r = await authn.authenticate(bearer(signedK2));
    }
    expect(reasonOf(r)).toBe('ok');
    expect(s.jwksRequests).toBeGreaterThanOrEqual(2);
  });

  it('fetches at most once per cooldown for a flood of unknown kids', async () => {
    const s = await server(jwks(k1));
    const authn = make(s.jwksUri, { jwks: { cooldownMs: 60_000 } });
    await authn.ready();
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => reasonOf(await authn.authenticate(bearer(await mint(k1, { iss: ISS, sub: 'a' }, { kid: `bogus-${i}` }))))),
    );
    expect(new Set(results)).toEqual(new Set(['JWKS_NO_MATCHING_KEY']));
    expect(s.jwksRequests).toBe(1); // the prefetch only: it is within the cooldown
  });
});

let signedK2: string;
beforeAll(async () => {
  signedK2 = await mint(k2, { iss: ISS, sub: 'k2' });
});

describe('outage [RESOLVER: last good keys kept, bounded]', () => {
  it('keeps serving the last good keys while the issuer fails, until they are too old', async () => {
    let now = Date.now();
    const s = await server(jwks(k1));
    const authn = make(s.jwksUri, { clock: () => now, jwks: { refreshIntervalMs: 30, retryMs: 30, cooldownMs: 1000, staleIfErrorMs: 60_000 } });
    await authn.ready();
    const token = await mint(k1, { iss: ISS, sub: 'a', exp: nowSec() + 3600 });
    expect(reasonOf(sync(authn.authenticate(bearer(token))))).toBe('ok');
    s.setStatus(500);
    await waitFor(() => (authn.jwksStatus()[0]?.failures ?? 0) >= 2);
    now += 30_000; // still within staleIfErrorMs
    expect(reasonOf(sync(authn.authenticate(bearer(token))))).toBe('ok');
    expect(authn.jwksStatus()[0]?.keyCount).toBe(1);
    now += 31_000; // past the bound: the old keys are no longer used
    expect(authn.jwksStatus()[0]?.keyCount).toBe(0);
    const r = await authn.authenticate(bearer(token));
    expect(reasonOf(r)).toBe('JWKS_FETCH_FAILED');
    expect(sync(authn.authenticate({ headers: {} })).ok).toBe(true);
    // The issuer recovers: the next allowed fetch restores service.
    s.setStatus(undefined);
    now += 2000;
    expect(reasonOf(await authn.authenticate(bearer(token)))).toBe('ok');
  });
});

describe('close()', () => {
  it('stops background refreshes', async () => {
    const s = await server(jwks(k1));
    const authn = make(s.jwksUri, { jwks: { refreshIntervalMs: 20 } });
    await authn.ready();
    authn.close();
    const seen = s.jwksRequests;
    await new Promise((r) => setTimeout(r, 120));
    expect(s.jwksRequests).toBe(seen);
  });
});
