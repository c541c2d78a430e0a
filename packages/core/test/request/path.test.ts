import { describe, expect, it } from '@jest/globals';
import { meshSpelling, routerSpelling } from '../../src/request/path-canonical.js';
import { PATH_DOUBLE_SLASH, PATH_ESCAPED, PATH_TRAILING_SLASH, PATH_UPPER, scanPath } from '../../src/request/path-scan.js';
import { isRefusal, type Refusal } from '../../src/request/refusal.js';
import { parseRequestTarget } from '../../src/request/request-target.js';
import { routePath } from '../../src/request/route-path.js';
import { EXPRESS_DEFAULT_ROUTER, fastifyRouterProfile, FASTIFY_DEFAULT_ROUTER } from '../../src/request/router-profile.js';

const LOOSE = { trailingSlash: false };
const ruleOf = (r: unknown): string | undefined => (isRefusal(r) ? (r as Refusal).rule : undefined);

describe('parseRequestTarget', () => {
  it('splits origin-form and absolute-form targets as routers do', () => {
    expect(parseRequestTarget('/orders/7?full=1')).toEqual({ path: '/orders/7', query: 'full=1', authority: undefined, scheme: undefined });
    expect(parseRequestTarget('HTTP://Shop:80/admin?x')).toEqual({ path: '/admin', query: 'x', authority: 'Shop:80', scheme: 'http' });
    expect(parseRequestTarget('http://h')).toMatchObject({ path: '/', authority: 'h' });
    expect(parseRequestTarget('http://h?q=1')).toMatchObject({ path: '/', query: 'q=1' });
  });

  it.each([
    ['/admin#x', 'fragment'],
    ['/admin?x#y', 'fragment'],
    ['ftp://h/admin', 'absolute-form-scheme'],
    ['admin', 'target-form'],
    ['http:///admin', 'malformed-host'],
  ])('refuses %s (%s)', (target, rule) => {
    expect(ruleOf(parseRequestTarget(target))).toBe(rule);
  });

  it('refuses every absolute-form target when asked to', () => {
    expect(ruleOf(parseRequestTarget('http://h/admin', true))).toBe('absolute-form');
  });
});

describe('scanPath', () => {
  it('returns 0 for a plain path: the fast path', () => {
    expect(scanPath('/api/orders/7', EXPRESS_DEFAULT_ROUTER, LOOSE)).toBe(0);
    expect(scanPath('/', EXPRESS_DEFAULT_ROUTER, LOOSE)).toBe(0);
  });

  it('flags what needs rewriting', () => {
    expect(scanPath('/Admin/', EXPRESS_DEFAULT_ROUTER, LOOSE)).toBe(PATH_UPPER | PATH_TRAILING_SLASH);
    expect(scanPath('/%61dmin', EXPRESS_DEFAULT_ROUTER, LOOSE)).toBe(PATH_ESCAPED);
    expect(scanPath('//admin', fastifyRouterProfile({ ignoreDuplicateSlashes: true }), LOOSE)).toBe(PATH_DOUBLE_SLASH);
  });

  it.each([
    ['/admin%2Fx', 'encoded-slash'], ['/a%5cb', 'encoded-backslash'], ['/a%252F', 'encoded-percent'], ['/a%00', 'encoded-nul'],
    ['/a%0a', 'encoded-control'], ['/a%3Bb', 'encoded-semicolon'], ['/a%zz', 'invalid-encoding'], ['/a%4', 'invalid-encoding'],
    ['/x/../admin', 'dot-segment'], ['/./admin', 'dot-segment'], ['/admin/users/%2e%2e', 'dot-segment'], ['/admin/.', 'dot-segment'],
    ['/admin/.%2E', 'dot-segment'], ['/a\\b', 'backslash'], ['//admin', 'duplicate-slash'], ['/admin;x=1', 'semicolon'], ['/a\u00e9', 'invalid-character'],
  ])('refuses %s (%s)', (path, rule) => {
    expect(ruleOf(scanPath(path, FASTIFY_DEFAULT_ROUTER, LOOSE))).toBe(rule);
  });

  it('keeps names that merely contain dots', () => {
    expect(isRefusal(scanPath('/files/.env', FASTIFY_DEFAULT_ROUTER, LOOSE))).toBe(false);
    expect(isRefusal(scanPath('/files/...', FASTIFY_DEFAULT_ROUTER, LOOSE))).toBe(false);
    expect(isRefusal(scanPath('/files/a..b', FASTIFY_DEFAULT_ROUTER, LOOSE))).toBe(false);
  });

  it('refuses a trailing slash only when asked to', () => {
    expect(ruleOf(scanPath('/admin/', FASTIFY_DEFAULT_ROUTER, { trailingSlash: true }))).toBe('trailing-slash');
  });
});

describe('router and mesh spellings', () => {
  it('decodes what may be written raw, keeps the rest with upper-case hex', () => {
    expect(routerSpelling('/files/secret%2etxt', PATH_ESCAPED, false)).toBe('/files/secret.txt');
    expect(routerSpelling('/files/a%21b%3a', PATH_ESCAPED, false)).toBe('/files/a!b:');
    expect(routerSpelling('/files/caf%c3%a9%20x', PATH_ESCAPED, false)).toBe('/files/caf%C3%A9%20x');
    expect(routerSpelling('/a"b', 4, false)).toBe('/a%22b');
    expect(routerSpelling('//a//b', PATH_DOUBLE_SLASH, true)).toBe('/a/b');
  });

  it('follows the pathNormalization mode', () => {
    expect(meshSpelling('/%61dmin/%21', PATH_ESCAPED, 'NONE')).toBe('/%61dmin/%21');
    expect(meshSpelling('/%61dmin/%21', PATH_ESCAPED, 'BASE')).toBe('/admin/%21');
    expect(meshSpelling('//a//b', PATH_DOUBLE_SLASH, 'BASE')).toBe('//a//b');
    expect(meshSpelling('//a//b', PATH_DOUBLE_SLASH, 'MERGE_SLASHES')).toBe('/a/b');
  });
});

describe('routePath', () => {
  it('puts decoded params back into the pattern in the router spelling', () => {
    expect(routePath({ pattern: '/admin', params: {} })).toBe('/admin');
    expect(routePath({ pattern: '/files/:name', params: { name: 'a b.txt' } })).toBe('/files/a%20b.txt');
    expect(routePath({ pattern: '/api/public/*', params: { '*': 'x/y z' } })).toBe('/api/public/x/y%20z');
    expect(routePath({ pattern: '/v:major(\\d+).:minor', params: { major: '1', minor: '2' } })).toBe('/v1.2');
    expect(routePath({ pattern: '/a::b/:id?', params: {} })).toBe('/a:b');
    expect(routePath({ pattern: '/u/:id', params: { id: 'x:@$' } })).toBe('/u/x:@$');
  });
});
