/**
 * The bypass suite: raw requests over sockets (no client cleans the target, the Host header or
 * the method) to one route table on every framework configuration, with meshauth in front. No
 * attack variant may reach a handler a policy denies (each is 400 with an AMBIGUOUS_* code, or
 * 403), and no canonical request may be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { istioSidecarXfcc } from '@meshauth/testkit';
import { APP_ID, CALLERS, POLICIES, type Caller } from './support/policies.js';
import { requestBytes, sendRaw, type RawRequest, type RawResponse } from './support/raw-http.js';
import { CONFIGS, MARK, startRouteApp, type Config, type RouteApp } from './support/route-apps.js';
import { CANONICAL, VARIANTS } from './support/variants.js';

const OPTIONS = { policies: { text: POLICIES }, workload: { namespace: 'shop' } };
const tally = new Map<Config, { variants: number; refused400: number; denied403: number; router: number; canonical: number }>();

function send(app: RouteApp, request: RawRequest, caller: Caller): Promise<RawResponse> {
  const uri = CALLERS[caller];
  const xfcc: [string, string][] = uri === undefined ? [] : [['X-Forwarded-Client-Cert', istioSidecarXfcc({ by: APP_ID, uri })]];
  return sendRaw(app.port, requestBytes(request, xfcc));
}

function label(r: RawRequest): string {
  const host = r.host === undefined ? '' : ` Host=${JSON.stringify(r.host)}`;
  const headers = (r.headers ?? []).map(([n, v]) => ` ${n}=${JSON.stringify(v)}`).join('');
  const target = r.target.length > 60 ? `${r.target.slice(0, 40)}...(${r.target.length})` : r.target;
  return `${r.method} ${target}${r.version === '1.0' ? ' HTTP/1.0' : ''}${host}${headers}`;
}

describe.each(CONFIGS)('bypass variants on %s', (config) => {
  let app: RouteApp;
  const counts = { variants: 0, refused400: 0, denied403: 0, router: 0, canonical: 0 };
  beforeAll(async () => {
    app = await startRouteApp(config, OPTIONS);
    tally.set(config, counts);
  });
  afterAll(() => app.close());

  it.each(VARIANTS.map((v) => [v.cls, label(v.request), v] as const))('%s: %s never reaches a handler', async (_cls, _label, variant) => {
    const before = app.hits.length;
    const res = await send(app, variant.request, variant.caller ?? 'shop');
    counts.variants++;
    expect(res.body.startsWith(MARK)).toBe(false);
    expect(app.hits.length).toBe(before);
    const head = variant.request.method === 'HEAD';
    const ours = res.body.startsWith('{') ? (JSON.parse(res.body) as { code?: string }).code : undefined;
    if (res.status === 403) {
      if (!head) expect(res.body).toBe('RBAC: access denied');
      counts.denied403++;
    } else if (res.status === 400 && ours?.startsWith('AMBIGUOUS_')) {
      expect(ours).toMatch(/^AMBIGUOUS_(PATH|HOST|METHOD)$/);
      counts.refused400++;
    } else {
      // The spelling reaches no route in this configuration (404), or the server itself refuses it
      // before any handler: Node's parser (empty 400), find-my-way (FST_ERR_BAD_URL, 414 past maxParamLength).
      expect([400, 404, 414]).toContain(res.status);
      counts.router++;
    }
  });

  it.each(CANONICAL.map((c) => [c.caller, label(c.request), c] as const))('canonical: %s %s reaches its handler', async (_caller, _label, c) => {
    const before = app.hits.length;
    const res = await send(app, c.request, c.caller);
    expect(res.status).toBe(200);
    expect(app.hits.slice(before)).toEqual([c.route]);
    if (c.request.method !== 'HEAD') expect(res.body).toBe(MARK + c.route);
    counts.canonical++;
  });
});

afterAll(() => {
  const rows = [...tally].map(([config, c]) => `${config.padEnd(18)} ${String(c.variants).padStart(4)} variants (${c.refused400} refused 400, ${c.denied403} denied 403, ${c.router} no route or refused by the server), ${c.canonical} canonical allowed`);
  process.stdout.write(`\nbypass suite, per framework configuration:\n${rows.join('\n')}\n`);
});
