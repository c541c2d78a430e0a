import { METHODS } from 'node:http';
import type { HttpInput } from './http-input.js';
import { refusal, type Refusal } from './refusal.js';

/**
 * Every method a handler may run as (path-safety.md, design rule 4): `HEAD` runs `GET` handlers in
 * Express, Koa routers and Fastify (`exposeHeadRoutes`), and a method-override middleware turns a
 * `POST` into whatever `X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override` or a
 * `_method` query parameter asks for. A policy must allow every one of them.
 */

/** The headers method-override middlewares read (method-override, Rails, Google APIs). */
export const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;

/** What to do with method-override requests. */
export type MethodOverridePolicy = 'evaluate' | 'refuse';

const KNOWN = new Set(METHODS);
const HEAD_AND_GET: readonly string[] = Object.freeze(['HEAD', 'GET']);
const SINGLE = new Map<string, readonly string[]>();

function single(method: string): readonly string[] {
  let list = SINGLE.get(method);
  if (list === undefined) {
    list = Object.freeze([method]);
    if (KNOWN.has(method)) SINGLE.set(method, list);
  }
  return list;
}

// method-override 3.0: the first comma-separated element, trimmed, matched without case.
function overrideValue(raw: string | string[]): string | undefined {
  const v = Array.isArray(raw) ? (raw[0] ?? '') : raw;
  const comma = v.indexOf(',');
  const method = (comma < 0 ? v : v.slice(0, comma)).trim().toUpperCase();
  return KNOWN.has(method) ? method : undefined;
}

function queryMethod(query: string | undefined): string | string[] | undefined {
  if (query === undefined || !query.includes('_method=')) return undefined;
  for (const pair of query.split('&')) {
    if (pair.startsWith('_method=')) {
      try {
        return decodeURIComponent(pair.slice(8).replace(/\+/g, ' '));
      } catch {
        return '';
      }
    }
  }
  return undefined;
}

function add(list: string[], method: string): void {
  if (!list.includes(method)) list.push(method);
  if (method === 'HEAD' && !list.includes('GET')) list.push('GET');
}

/**
 * The methods to evaluate a request as, or a refusal: an override that names no method is
 * refused (a middleware would ignore it, another could read it differently); with `refuse`, any
 * override is.
 *
 * @example
 * ```ts
 * requestMethods({ method: 'HEAD', headers: {} } as HttpInput, undefined, 'evaluate');   // ['HEAD', 'GET']
 * requestMethods({ method: 'POST', headers: { 'x-http-method-override': 'delete' } } as HttpInput, undefined, 'evaluate'); // ['POST', 'DELETE']
 * ```
 */
export function requestMethods(input: HttpInput, query: string | undefined, overrides: MethodOverridePolicy): readonly string[] | Refusal {
  const method = input.method ?? 'GET';
  const headers = input.headers;
  let list: string[] | undefined;
  for (const name of METHOD_OVERRIDE_HEADERS) {
    const raw = headers[name];
    if (raw === undefined) continue;
    if (overrides === 'refuse') return refusal('method-override');
    const m = overrideValue(raw);
    if (m === undefined) return refusal('method-override-invalid');
    list ??= [method];
    add(list, m);
  }
  const fromQuery = queryMethod(query);
  if (fromQuery !== undefined) {
    if (overrides === 'refuse') return refusal('method-override');
    const m = overrideValue(fromQuery);
    if (m === undefined) return refusal('method-override-invalid');
    list ??= [method];
    add(list, m);
  }
  if (list !== undefined) {
    if (method === 'HEAD') add(list, 'GET');
    // A middleware mounted before meshauth may already have rewritten the method (Express keeps the original).
    const original = (input as { originalMethod?: unknown }).originalMethod;
    if (typeof original === 'string' && original !== method) add(list, original);
    return list;
  }
  const original = (input as { originalMethod?: unknown }).originalMethod;
  if (typeof original === 'string' && original !== method) {
    list = [method];
    add(list, original);
    if (method === 'HEAD') add(list, 'GET');
    return list;
  }
  return method === 'HEAD' ? HEAD_AND_GET : single(method);
}
