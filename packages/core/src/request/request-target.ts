import { refusal, type Refusal } from './refusal.js';

/**
 * The request-target of an HTTP/1.1 request line split as the routers split it (RFC 9112 §3.2:
 * origin-form `/p?q`, absolute-form `http://h/p?q`, asterisk-form `*`). Every Node router reduces
 * an absolute-form target to its path (path-safety.md: Express and Koa through `parseurl`, Fastify
 * through find-my-way), so the path is what they would dispatch on and the authority is kept for
 * the host check.
 */

/**
 * A parsed request-target.
 *
 * @example
 * ```ts
 * parseRequestTarget('http://Shop.example/admin?x=1'); // { path: '/admin', query: 'x=1', authority: 'Shop.example', scheme: 'http' }
 * ```
 */
export interface RequestTarget {
  /** The path as sent (still percent-encoded), without query; `/` when an absolute-form target has none. */
  readonly path: string;
  /** The query without `?`, or `undefined`. */
  readonly query: string | undefined;
  /** The absolute-form authority as sent, or `undefined` for origin- and asterisk-form. */
  readonly authority: string | undefined;
  /** The absolute-form scheme, lower-cased. */
  readonly scheme: 'http' | 'https' | undefined;
}

const ROOT: RequestTarget = Object.freeze({ path: '/', query: undefined, authority: undefined, scheme: undefined });

function isSchemeChar(c: number, first: boolean): boolean {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (first) return letter;
  return letter || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

function splitQuery(url: string, start: number, authority: string | undefined, scheme: RequestTarget['scheme']): RequestTarget {
  const q = url.indexOf('?', start);
  if (q < 0) return { path: start === 0 ? url : url.slice(start), query: undefined, authority, scheme };
  const path = q === start ? '/' : url.slice(start, q);
  return { path, query: url.slice(q + 1), authority, scheme };
}

/**
 * Splits a request-target, refusing what routers and policies could read differently: a fragment
 * (no router keeps it: `/admin#/../x` runs `/admin`), a scheme other than http(s) (Express and Koa
 * still route `ftp://h/admin`), and targets of no known form. With `refuseAbsoluteForm` every
 * absolute-form target is refused.
 *
 * @example
 * ```ts
 * parseRequestTarget('/admin#x');          // refusal 'fragment'
 * parseRequestTarget('ftp://h/admin');     // refusal 'absolute-form-scheme'
 * parseRequestTarget('/orders/7?full=1');  // { path: '/orders/7', query: 'full=1', ... }
 * ```
 */
export function parseRequestTarget(url: string | undefined, refuseAbsoluteForm = false): RequestTarget | Refusal {
  if (url === undefined || url === '') return ROOT;
  if (url.includes('#')) return refusal('fragment');
  const first = url.charCodeAt(0);
  if (first === 47 /* / */) return splitQuery(url, 0, undefined, undefined);
  if (url === '*') return { path: '*', query: undefined, authority: undefined, scheme: undefined };
  let i = 0;
  while (i < url.length && isSchemeChar(url.charCodeAt(i), i === 0)) i++;
  if (i === 0 || !url.startsWith('://', i)) return refusal('target-form');
  const scheme = url.slice(0, i).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return refusal('absolute-form-scheme');
  if (refuseAbsoluteForm) return refusal('absolute-form');
  const start = i + 3;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 /* ? */) break;
    end++;
  }
  const authority = url.slice(start, end);
  if (authority === '') return refusal('malformed-host');
  if (end === url.length) return { path: '/', query: undefined, authority, scheme };
  return splitQuery(url, end, authority, scheme);
}
