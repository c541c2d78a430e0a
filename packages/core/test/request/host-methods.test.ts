import { describe, expect, it } from '@jest/globals';
import type { Socket } from 'node:net';
import { parseHost, readHost } from '../../src/request/host.js';
import type { HttpInput } from '../../src/request/http-input.js';
import { requestMethods } from '../../src/request/methods.js';
import { isRefusal, type Refusal } from '../../src/request/refusal.js';
import { parseRequestTarget, type RequestTarget } from '../../src/request/request-target.js';

const input = (headers: HttpInput['headers'], extra: Partial<HttpInput> = {}): HttpInput => ({ headers, socket: {} as Socket, ...extra });
const target = (t: string): RequestTarget => parseRequestTarget(t) as RequestTarget;
const HOST_OPTIONS = { trustForwardedHost: false, refuseUntrustedForwardedHost: false };
const ruleOf = (r: unknown): string | undefined => (isRefusal(r) ? (r as Refusal).rule : undefined);

describe('hosts', () => {
  it('lower-cases, drops one trailing dot and keeps the port apart', () => {
    expect(parseHost('Internal.Example.:0080')).toEqual({ hostname: 'internal.example', port: '80' });
    expect(parseHost('[::1]:8080')).toEqual({ hostname: '[::1]', port: '8080' });
    expect(parseHost('orders')).toEqual({ hostname: 'orders', port: undefined });
  });

  it.each(['a, b', 'a@b', 'a%2eb', 'a b', 'a..b', '.a', 'a:99999', 'a:x', '[zz]', 'a/b'])('refuses %j as a host', (h) => {
    expect(parseHost(h)).toBeUndefined();
  });

  it('refuses duplicate Host headers and a contradicting absolute-form authority', () => {
    expect(ruleOf(readHost(input({ host: 'a' }, { rawHeaders: ['Host', 'a', 'HOST', 'b'] }), target('/'), HOST_OPTIONS, false))).toBe('duplicate-host');
    expect(ruleOf(readHost(input({ host: 'public' }), target('http://internal/x'), HOST_OPTIONS, false))).toBe('authority-mismatch');
    expect(ruleOf(readHost(input({ host: 'h' }), target('http://u@h/x'), HOST_OPTIONS, false))).toBe('authority-userinfo');
  });

  it('uses the absolute-form authority, default ports equal to none', () => {
    expect(readHost(input({ host: 'h' }), target('http://h:80/x'), HOST_OPTIONS, false)).toEqual({ hostname: 'h', port: '80' });
    expect(readHost(input({}), target('http://internal/x'), HOST_OPTIONS, false)).toEqual({ hostname: 'internal', port: undefined });
    expect(ruleOf(readHost(input({ host: 'h' }), target('https://h:80/x'), HOST_OPTIONS, false))).toBe('authority-mismatch');
  });

  it('reads X-Forwarded-Host only from a trusted hop and only when told to', () => {
    const req = input({ host: 'public', 'x-forwarded-host': 'internal, other' });
    expect(readHost(req, target('/'), HOST_OPTIONS, true)).toEqual({ hostname: 'public', port: undefined });
    expect(readHost(req, target('/'), { ...HOST_OPTIONS, trustForwardedHost: true }, true)).toEqual({ hostname: 'internal', port: undefined });
    expect(readHost(req, target('/'), { ...HOST_OPTIONS, trustForwardedHost: true }, false)).toEqual({ hostname: 'public', port: undefined });
    expect(ruleOf(readHost(req, target('/'), { ...HOST_OPTIONS, refuseUntrustedForwardedHost: true }, false))).toBe('forwarded-host');
  });
});

describe('methods', () => {
  it('evaluates HEAD as GET too', () => {
    expect(requestMethods(input({}, { method: 'HEAD' }), undefined, 'evaluate')).toEqual(['HEAD', 'GET']);
    expect(requestMethods(input({}, { method: 'GET' }), undefined, 'evaluate')).toEqual(['GET']);
  });

  it('adds what override headers and _method ask for, as method-override reads them', () => {
    expect(requestMethods(input({ 'x-http-method-override': ' get , put' }, { method: 'POST' }), undefined, 'evaluate')).toEqual(['POST', 'GET']);
    expect(requestMethods(input({ 'x-http-method': 'HEAD', 'x-method-override': 'DELETE' }, { method: 'POST' }), undefined, 'evaluate')).toEqual(['POST', 'HEAD', 'GET', 'DELETE']);
    expect(requestMethods(input({}, { method: 'POST' }), 'a=1&_method=PATCH', 'evaluate')).toEqual(['POST', 'PATCH']);
  });

  it('refuses an override that names no method, or any override when asked to', () => {
    expect(ruleOf(requestMethods(input({ 'x-http-method-override': 'FOO' }, { method: 'POST' }), undefined, 'evaluate'))).toBe('method-override-invalid');
    expect(ruleOf(requestMethods(input({ 'x-http-method': 'GET' }, { method: 'POST' }), undefined, 'refuse'))).toBe('method-override');
  });
});
