import type { HttpInput } from './http-input.js';
import { refusal, type Refusal } from './refusal.js';
import type { RequestTarget } from './request-target.js';

/**
 * The host a request is for, read the way the router and Envoy would agree on it: lower-cased
 * (Envoy's HostMatcher ignores case, CVE-2021-39155), one trailing dot removed (`internal.` is
 * `internal` to DNS), the port kept apart so that a rule without a port compares the name only,
 * and the absolute-form authority preferred to Host (RFC 9112 §3.2.2; Envoy uses it). Anything
 * that routers and resolvers could read as another host is refused (path-safety.md, design rule 5).
 */

/**
 * A normalized host.
 *
 * @example
 * ```ts
 * parseHost('Internal.Example.:8080'); // { hostname: 'internal.example', port: '8080' }
 * ```
 */
export interface HostView {
  /** Lower-case name or bracketed IPv6 literal, without a trailing dot. `''` when the request named no host. */
  readonly hostname: string;
  /** Decimal port without leading zeros, or `undefined` when none was given. */
  readonly port: string | undefined;
}

/** How the host is read. */
export interface HostReadOptions {
  /** Believe `X-Forwarded-Host` from a trusted hop. */
  readonly trustForwardedHost: boolean;
  /** Refuse `X-Forwarded-Host` from a hop that is not trusted. */
  readonly refuseUntrustedForwardedHost: boolean;
}

const NO_HOST: HostView = Object.freeze({ hostname: '', port: undefined });

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95;
}

function parsePort(value: string): string | undefined | null {
  if (value === '') return undefined;
  if (value.length > 5) return null;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  if (value.length < 5 && value.charCodeAt(0) !== 48) return value;
  const n = Number(value);
  return n > 65535 ? null : String(n);
}

function parseName(name: string): string | null {
  const n = name.length;
  if (n === 0) return null;
  let previous = 46; // a leading dot is an empty label
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (!isNameChar(c) || (c === 46 && previous === 46)) return null;
    previous = c;
  }
  // One trailing dot is the DNS root: `internal.` is `internal`.
  return previous === 46 ? (n === 1 ? null : name.slice(0, -1)) : name;
}

function parseIpv6(literal: string): boolean {
  if (literal.length < 4) return false;
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal.charCodeAt(i);
    if (!((c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46)) return false;
  }
  return true;
}

/**
 * Parses a `Host` value or an authority (without userinfo). Returns `undefined` for a value that
 * is not one host: a list (`a, b`), userinfo (`a@b`), an escape (`a%2eb`), whitespace, an empty
 * label, a bad port.
 *
 * @example
 * ```ts
 * parseHost('orders.shop');        // { hostname: 'orders.shop', port: undefined }
 * parseHost('[::1]:80');           // { hostname: '[::1]', port: '80' }
 * parseHost('public, internal');   // undefined
 * ```
 */
export function parseHost(value: string): HostView | undefined {
  const v = value.toLowerCase();
  let name: string;
  let rest: string;
  if (v.charCodeAt(0) === 91 /* [ */) {
    const close = v.indexOf(']');
    if (close < 0) return undefined;
    name = v.slice(0, close + 1);
    if (!parseIpv6(name)) return undefined;
    rest = v.slice(close + 1);
    if (rest !== '' && rest.charCodeAt(0) !== 58) return undefined;
    rest = rest.slice(1);
  } else {
    const colon = v.indexOf(':');
    const parsed = parseName(colon < 0 ? v : v.slice(0, colon));
    if (parsed === null) return undefined;
    name = parsed;
    rest = colon < 0 ? '' : v.slice(colon + 1);
  }
  const port = parsePort(rest);
  if (port === null) return undefined;
  return { hostname: name, port };
}

function isHost(name: string | undefined): boolean {
  // `host` in any case, without allocating: ASCII letters differ from their upper case by 0x20.
  return name !== undefined && name.length === 4 && (name.charCodeAt(0) | 32) === 104 && (name.charCodeAt(1) | 32) === 111 &&
    (name.charCodeAt(2) | 32) === 115 && (name.charCodeAt(3) | 32) === 116;
}

function hostHeaderCount(raw: readonly string[] | undefined): number {
  if (raw === undefined) return 1;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (isHost(raw[i])) count++;
  return count;
}

function defaultPort(scheme: RequestTarget['scheme']): string {
  return scheme === 'https' ? '443' : '80';
}

function firstForwarded(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const comma = v.indexOf(',');
  return (comma < 0 ? v : v.slice(0, comma)).trim();
}

/**
 * The host of a request, or a refusal: duplicate `Host` headers (Node keeps the first, a proxy
 * may keep the last), a malformed one, userinfo in the absolute-form authority, or an authority
 * that names another host than `Host` (default ports are equal to no port). `X-Forwarded-Host` is
 * read only from a trusted hop and only when `trustForwardedHost` is set, its first element, as
 * Express reads it.
 *
 * @example
 * ```ts
 * readHost(req, parseRequestTarget(req.url) as RequestTarget, options, trustedHop);
 * ```
 */
export function readHost(input: HttpInput, target: RequestTarget, options: HostReadOptions, trustedHop: boolean): HostView | Refusal {
  if (hostHeaderCount(input.rawHeaders) > 1) return refusal('duplicate-host');
  const header = input.headers.host;
  let view: HostView = NO_HOST;
  if (header !== undefined && header !== '') {
    const parsed = parseHost(header);
    if (parsed === undefined) return refusal('malformed-host');
    view = parsed;
  }
  if (target.authority !== undefined) {
    if (target.authority.includes('@')) return refusal('authority-userinfo');
    const authority = parseHost(target.authority);
    if (authority === undefined) return refusal('malformed-host');
    if (view !== NO_HOST) {
      const port = defaultPort(target.scheme);
      if (view.hostname !== authority.hostname || (view.port ?? port) !== (authority.port ?? port)) return refusal('authority-mismatch');
    }
    view = authority;
  }
  const forwarded = input.headers['x-forwarded-host'];
  if (forwarded !== undefined) {
    if (trustedHop && options.trustForwardedHost) {
      const parsed = parseHost(firstForwarded(forwarded) ?? '');
      if (parsed === undefined) return refusal('malformed-host');
      view = parsed;
    } else if (!trustedHop && options.refuseUntrustedForwardedHost) {
      return refusal('forwarded-host');
    }
  }
  return view;
}
