import type { RawRequest } from './raw-http.js';
import type { Caller } from './policies.js';

/**
 * Spellings that reach a handler a policy denies when the policy is matched against `req.url`
 * and the raw Host header in at least one framework configuration (path-safety.md, "Which
 * variants beat naive matching, where"), plus the traps of normalizing like Envoy or WHATWG URL.
 * Every one must be answered 400 (ambiguous) or 403 (denied) by every configuration.
 */

/** One attack. */
export interface Variant {
  /** The bypass class, as the issue lists them. */
  readonly cls: string;
  readonly request: RawRequest;
  /** Default `shop`: a caller that the DENY rules apply to. */
  readonly caller?: Caller;
}

const get = (target: string, extra: Partial<RawRequest> = {}): RawRequest => ({ method: 'GET', target, ...extra });
const v = (cls: string, requests: readonly RawRequest[]): Variant[] => requests.map((request) => ({ cls, request }));
const INTERNAL = 'internal.example.com';

export const VARIANTS: readonly Variant[] = [
  ...v('case', [
    get('/ADMIN'), get('/Admin'), get('/aDmIn'), get('/Admin/Users/1'), get('/ADMIN/USERS/1'), get('/FILES/secret.txt'),
    get('/Files/secret.txt'), get('/Reports/1'), get('/%41DMIN'), get('/ADMIN/'),
  ]),
  ...v('trailing-slash', [get('/admin/'), get('/admin/users/1/'), get('/files/secret.txt/'), get('/reports/1/'), get('/Admin/Users/1/')]),
  ...v('duplicate-slash', [
    get('//admin'), get('///admin'), get('/admin//users/1'), get('/admin/users//1'), get(`${'/'.repeat(300)}admin`), get('//files/secret.txt'),
    get('/files//secret.txt'), get('//reports/1'), get('//ADMIN'),
  ]),
  ...v('percent-encoding', [
    get('/%61dmin'), get('/adm%69n'), get('/%61%64%6d%69%6e'), get('/%61%64%6D%69%6E/users/1'), get('/admin/users/%31'),
    get('/files/secret%2Etxt'), get('/files/secret%2etxt'), get('/files/%73ecret.txt'), get('/files/secret.tx%74'), get('/%72eports/1'),
    get('/reports/%31'), get('/%41dmin'),
  ]),
  ...v('encoded-delimiter', [
    get('/admin%2Fusers'), get('/admin%2fusers/1'), get('/api/public/..%2F..%2Fadmin'), get('/admin/users/1%2F..'), get('/files/a%5Csecret.txt'),
    get('/files/%252e%252e'), get('/admin/users/1%00'), get('/files/secret.txt%00'), get('/files/secret.txt%3B.png'), get('/admin%3Bx'),
    get('/admin/users/%0a'), get('/files/%zz'), get('/files/secret.txt%'),
  ]),
  ...v('dot-segment', [
    get('/x/../admin'), get('/./admin'), get('/%2e%2e/admin'), get('/%2E/admin'), get('/admin/users/..'), get('/admin/users/.'),
    get('/admin/users/%2e%2e'), get('/admin/users/.%2e'), get('/files/..'), get('/api/public/../../admin'), get('/api/public/%2e%2e/%2e%2e/admin'),
    get('/admin/.'), get('/reports/..'),
  ]),
  ...v('semicolon', [
    get('/admin;x=1'), get('/admin;'), get('/admin;/'), get('/admin;foo/users/1'), get('/admin;/../api/public/x'), get(`/admin${';'.repeat(2000)}`),
    get('/files/secret.txt;.png'), get('/reports/1;x'), get('/api/public/x;/../../../admin'),
  ]),
  ...v('fragment', [get('/admin#x'), get('/admin#/../api/public/x'), get('/files/secret.txt#'), get('/reports/1#frag'), get('/api/public/x#/../../admin')]),
  ...v('absolute-form', [
    get('http://localhost/admin'), get('https://localhost/admin'), get('http://u@localhost/admin'), get('http://localhost:80/admin'),
    get('HTTP://LOCALHOST/ADMIN'), get('ftp://localhost/admin'), get('http://localhost/%61dmin'), get('http://localhost//admin'),
    get('http://localhost/files/secret.txt'), get('http://localhost/admin', { host: null, version: '1.0' }), get('gopher://localhost/admin'),
  ]),
  ...v('backslash', [get('/\\admin'), get('/admin\\users\\1'), get('/admin\\'), get('/api/public/..\\..\\admin'), get('/files/..\\secret.txt')]),
  ...v('head', [
    { method: 'HEAD', target: '/reports/1' }, { method: 'HEAD', target: '/admin' }, { method: 'HEAD', target: '/files/secret.txt' },
    { method: 'HEAD', target: '/REPORTS/1/' },
  ]),
  ...v('method-override', [
    ...['GET', 'get', 'HEAD', ' GET ', 'GET, PUT'].map((m): RawRequest => ({ method: 'POST', target: '/reports/1', headers: [['X-HTTP-Method-Override', m]] })),
    { method: 'POST', target: '/reports/1', headers: [['X-HTTP-Method', 'GET']] },
    { method: 'POST', target: '/reports/1', headers: [['X-Method-Override', 'GET']] },
    { method: 'POST', target: '/reports/1', headers: [['X-HTTP-Method-Override', 'GET'], ['X-HTTP-Method-Override', 'PUT']] },
    { method: 'POST', target: '/reports/1', headers: [['X-HTTP-Method-Override', 'PUT'], ['X-HTTP-Method', 'GET']] },
    { method: 'POST', target: '/reports/1?_method=GET' },
    { method: 'POST', target: '/Reports/1/', headers: [['X-HTTP-Method-Override', 'GET']] },
    { method: 'POST', target: '/reports/1', headers: [['X-HTTP-Method-Override', 'FOO']] },
  ]),
  ...v('host', [
    get('/api/public/x', { host: INTERNAL }), get('/api/public/x', { host: `${INTERNAL}:8080` }), get('/api/public/x', { host: `${INTERNAL}:80` }),
    get('/api/public/x', { host: `${INTERNAL}.` }), get('/api/public/x', { host: 'INTERNAL.EXAMPLE.COM.:80' }), get('/api/public/x', { host: 'Internal.Example.Com' }),
    get('/api/public/x', { host: ['public.example.com', INTERNAL] }), get('/api/public/x', { host: [INTERNAL, 'public.example.com'] }),
    get('/api/public/x', { host: `public.example.com, ${INTERNAL}` }), get('/api/public/x', { host: `public.example.com@${INTERNAL}` }),
    get('/api/public/x', { host: 'internal%2eexample.com' }), get(`http://${INTERNAL}/api/public/x`, { host: 'public.example.com' }),
    get(`http://${INTERNAL}/api/public/x`, { host: null, version: '1.0' }), get(`http://${INTERNAL}:8080/api/public/x`, { host: `${INTERNAL}:8080` }),
    get('/api/public/x', { host: `${INTERNAL}:080` }), get('/api/public/x', { host: `${INTERNAL}:99999` }), get('/api/public/x', { host: ` ${INTERNAL}` }),
  ]),
  ...v('misc', [
    { method: 'OPTIONS', target: '/admin' }, get(`/admin/users/${'1'.repeat(150)}`), { method: 'POST', target: '/admin' },
    { method: 'DELETE', target: '/admin/users/1' }, get('/files/secret.txt?x=/api/public/x'),
  ]),
];

/** A request that must reach its handler, with the route that answers it. */
export interface Canonical {
  readonly request: RawRequest;
  readonly caller: Caller;
  readonly route: string;
}

const ok = (caller: Caller, route: string, request: RawRequest): Canonical => ({ caller, route, request });

export const CANONICAL: readonly Canonical[] = [
  ok('admin', 'admin', get('/admin')),
  ok('admin', 'admin-user', get('/admin/users/1')),
  ok('admin', 'report', get('/reports/1')),
  ok('admin', 'report', { method: 'HEAD', target: '/reports/1' }),
  ok('admin', 'public', get('/api/public/x', { host: INTERNAL })),
  ok('admin', 'public', get('/api/public/x', { host: `${INTERNAL}:8080` })),
  ok('shop', 'public', get('/api/public/x')),
  ok('shop', 'public', get('/api/public/a/b/c?q=1&r=%2F')),
  ok('shop', 'public', get('/api/public/x', { host: 'shop.example.com:8080' })),
  ok('shop', 'public', get('/api/public/x', { host: '10.0.0.7:8080' })),
  ok('shop', 'public', get('/api/public/x', { host: '[::1]:8080' })),
  ok('shop', 'file', get('/files/readme.txt')),
  ok('shop', 'file', get('/files/a%20b.txt')),
  ok('shop', 'file', get('/files/caf%C3%A9.txt')),
  ok('shop', 'file', get('/files/report-2024_v1~final.pdf')),
  ok('shop', 'orders', { method: 'POST', target: '/api/orders', headers: [['Content-Length', '0']] }),
  // X-Forwarded-Host is not believed from a caller (no trust configured): the router ignores it too.
  ok('shop', 'public', get('/api/public/x', { host: 'public.example.com', headers: [['X-Forwarded-Host', INTERNAL]] })),
  ok('anon', 'public', get('/api/public/x')),
  ok('anon', 'public', { method: 'HEAD', target: '/api/public/x' }),
  ok('anon', 'public', get('/api/public/x', { version: '1.0' })),
];
