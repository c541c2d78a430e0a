import { encodeSegment } from './path-canonical.js';

/**
 * The path a matched route stands for: its pattern with the decoded parameters put back in the
 * router spelling. Fastify routes before its `onRequest` hooks, so `request.routeOptions.url` and
 * `request.params` tell exactly which route will run and with which values, whatever spelling
 * (`/%61dmin`, `/ADMIN`, `//admin`, `/admin;x`) reached it (path-safety.md, design rule 1).
 */

/**
 * A route the router has matched.
 *
 * @example
 * ```ts
 * const route: MatchedRoute = { pattern: '/admin/users/:id', params: { id: '7' } };
 * ```
 */
export interface MatchedRoute {
  /** The pattern as registered, find-my-way syntax: `:name`, `:name(regex)`, `::` (a literal `:`), `*`. */
  readonly pattern: string;
  /** Decoded parameter values by name; `*` for the wildcard. */
  readonly params: Readonly<Record<string, string | undefined>>;
}

function isNameEnd(c: number): boolean {
  // find-my-way ends a parameter name at `/`, `-`, `.`, `(` or the end of the pattern.
  return Number.isNaN(c) || c === 47 || c === 45 || c === 46 || c === 40;
}

function skipRegex(pattern: string, i: number): number {
  if (pattern.charCodeAt(i) !== 40 /* ( */) return i;
  let depth = 0;
  for (let j = i; j < pattern.length; j++) {
    const c = pattern.charCodeAt(j);
    if (c === 92 /* \ */) j++;
    else if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return j + 1;
  }
  return pattern.length;
}

function encodeWildcard(value: string): string | undefined {
  let out = '';
  for (const [i, part] of value.split('/').entries()) {
    const enc = encodeSegment(part);
    if (enc === undefined) return undefined;
    out += i === 0 ? enc : `/${enc}`;
  }
  return out;
}

/**
 * The canonical path of a matched route, or `undefined` when a parameter cannot be spelled (the
 * caller then refuses). Optional parameters (`:id?`) that did not match drop their `/`.
 *
 * @example
 * ```ts
 * routePath({ pattern: '/files/:name', params: { name: 'secret.txt' } });     // '/files/secret.txt'
 * routePath({ pattern: '/api/public/*', params: { '*': 'a b/c' } });          // '/api/public/a%20b/c'
 * routePath({ pattern: '/v:major(\\d+).:minor', params: { major: '1', minor: '2' } }); // '/v1.2'
 * ```
 */
export function routePath(route: MatchedRoute): string | undefined {
  const { pattern, params } = route;
  if (!pattern.includes(':') && !pattern.includes('*')) return pattern;
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charCodeAt(i);
    if (c === 58 /* : */ && pattern.charCodeAt(i + 1) === 58) {
      out += ':';
      i += 2;
    } else if (c === 58) {
      let j = i + 1;
      while (!isNameEnd(pattern.charCodeAt(j))) j++;
      let name = pattern.slice(i + 1, j);
      if (name.endsWith('?')) name = name.slice(0, -1);
      i = skipRegex(pattern, j);
      const value = params[name];
      if (value === undefined) {
        if (out.endsWith('/')) out = out.slice(0, -1);
        continue;
      }
      const enc = encodeSegment(value);
      if (enc === undefined) return undefined;
      out += enc;
    } else if (c === 42 /* * */) {
      const enc = encodeWildcard(params['*'] ?? '');
      if (enc === undefined) return undefined;
      out += enc;
      i++;
    } else {
      out += pattern[i];
      i++;
    }
  }
  return out === '' ? '/' : out;
}
