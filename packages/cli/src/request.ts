import { isIP } from 'node:net';
import { SpiffeId, type AuthzJwt, type AuthzPeer, type AuthzRequest } from '@meshauth/core';

/**
 * The request file format: one request as Istio's attribute vocabulary names it (`source.principal`,
 * `request.auth.claims`, `destination.port`, `connection.sni`…), mapped onto the core's
 * `AuthzRequest`. Validation is strict: an unknown field is an error with its path, so a typo can
 * never silently change a decision.
 */

/**
 * One problem in a request, with the JSON path of the field.
 *
 * @example
 * ```ts
 * const issue: RequestIssue = { field: 'source.principl', message: 'unknown field (did you mean "principal"?)' };
 * ```
 */
export interface RequestIssue {
  /** Dotted path, e.g. `source.ip` or `headers.x-a[1]`; empty for the whole request. */
  readonly field: string;
  readonly message: string;
}

/** What the request expects the decision to be: a failed expectation makes `check` exit 1. */
export type Expectation = 'allow' | 'deny';

/**
 * A valid request: the core request plus the file's own fields.
 *
 * @example
 * ```ts
 * const r = parseRequest({ method: 'GET', path: '/admin', expect: 'deny' });
 * if (r.ok) evaluatePolicies(snapshot, r.value.request);
 * ```
 */
export interface ParsedRequest {
  readonly request: AuthzRequest;
  /** `name`: a label printed with the decision. */
  readonly name: string | undefined;
  /** `expect`: the decision the request should get. */
  readonly expect: Expectation | undefined;
}

/** The outcome of {@link parseRequest}. */
export type RequestParseResult = { readonly ok: true; readonly value: ParsedRequest } | { readonly ok: false; readonly issues: readonly RequestIssue[] };

type Obj = Record<string, unknown>;

const TOP = ['name', 'expect', 'method', 'path', 'host', 'headers', 'source', 'remoteIp', 'destination', 'sni', 'auth'] as const;
const SOURCE = ['principal', 'namespace', 'ip', 'port'] as const;
const DESTINATION = ['ip', 'port'] as const;
const AUTH = ['principal', 'audiences', 'presenter', 'claims'] as const;
// RFC 9110 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 3986 pchar plus `/`: what a normalized path may hold besides percent-escapes.
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const UNRESERVED_ESCAPE = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[dDeE]|5[fF]|7[eE])/;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** Levenshtein distance, for "did you mean" on unknown fields. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

class Checker {
  readonly issues: RequestIssue[] = [];

  error(field: string, message: string): void {
    this.issues.push({ field, message });
  }

  known(obj: Obj, allowed: readonly string[], prefix: string): void {
    for (const k of Object.keys(obj)) {
      if (allowed.includes(k)) continue;
      const near = allowed.find((a) => distance(a.toLowerCase(), k.toLowerCase()) <= 2);
      this.error(prefix + k, near === undefined ? `unknown field (known: ${allowed.join(', ')})` : `unknown field (did you mean "${near}"?)`);
    }
  }

  object(v: unknown, field: string): Obj | undefined {
    if (v === undefined) return undefined;
    if (!isObj(v)) {
      this.error(field, `must be an object, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  string(v: unknown, field: string): string | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.error(field, `must be a string, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  ip(v: unknown, field: string): string | undefined {
    const s = this.string(v, field);
    if (s !== undefined && isIP(s) === 0) {
      this.error(field, `"${s}" is not an IP address`);
      return undefined;
    }
    return s;
  }

  port(v: unknown, field: string): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
      this.error(field, `must be an integer in 0..65535, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }
}

function checkPath(c: Checker, raw: string): string | undefined {
  // Envoy's path matchers never see the query or the fragment.
  const path = raw.replace(/[?#].*$/s, '');
  if (!path.startsWith('/')) {
    c.error('path', `"${raw}" must start with "/"`);
    return undefined;
  }
  if (!PATH_CHARS.test(path) || /%(?![0-9A-Fa-f]{2})/.test(path)) {
    c.error('path', `"${raw}" has characters Envoy would percent-encode; give the path as Envoy normalizes it`);
    return undefined;
  }
  const segments = path.split('/');
  if (path.includes('\\') || segments.some((s) => /^(?:\.|%2[eE]){1,2}$/.test(s)) || UNRESERVED_ESCAPE.test(path)) {
    c.error('path', `"${raw}" is not normalized: Envoy resolves dot segments and decodes escaped unreserved characters before matching; give the normalized path`);
    return undefined;
  }
  return path;
}

function checkHeaders(c: Checker, v: unknown): Record<string, string | readonly string[]> {
  const o = c.object(v, 'headers');
  const out: Record<string, string | readonly string[]> = {};
  if (o === undefined) return out;
  for (const [name, value] of Object.entries(o)) {
    const field = `headers.${name}`;
    const lower = name.toLowerCase();
    if (name.startsWith(':')) {
      c.error(field, 'pseudo-headers are set by "method", "path" and "host"');
      continue;
    }
    if (!TOKEN.test(name)) {
      c.error(field, 'is not a valid header name');
      continue;
    }
    if (Object.hasOwn(out, lower)) {
      c.error(field, `repeats header "${lower}" (names are case-insensitive); give repeated values as a list`);
      continue;
    }
    if (typeof value === 'string') out[lower] = value;
    else if (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'string')) out[lower] = [...(value as string[])];
    else c.error(field, `must be a string or a non-empty list of strings, found ${describe(value)}`);
  }
  return out;
}

/** The namespace Istio reads from a principal (`…/ns/<ns>/…`), if any. */
function namespaceOf(principal: string): string | undefined {
  return /\/ns\/([^/]+)(?:\/|$)/.exec(principal)?.[1];
}

function checkSource(c: Checker, v: unknown): { peer?: AuthzPeer; ip?: string; port?: number } {
  const o = c.object(v, 'source');
  if (o === undefined) return {};
  c.known(o, SOURCE, 'source.');
  const raw = c.string(o['principal'], 'source.principal');
  const namespace = c.string(o['namespace'], 'source.namespace');
  const ip = c.ip(o['ip'], 'source.ip');
  const port = c.port(o['port'], 'source.port');
  let principal: string | undefined;
  if (raw !== undefined) {
    principal = raw.startsWith('spiffe://') ? raw.slice('spiffe://'.length) : raw;
    try {
      const id = SpiffeId.parse(`spiffe://${principal}`);
      if (id.path === '') {
        c.error('source.principal', `"${raw}" has no path; a workload identity looks like cluster.local/ns/<namespace>/sa/<service-account>`);
        principal = undefined;
      }
    } catch (err) {
      c.error('source.principal', `"${raw}" is not a SPIFFE ID: ${(err as Error).message}`);
      principal = undefined;
    }
  }
  if (namespace !== undefined) {
    if (raw === undefined) c.error('source.namespace', 'needs source.principal: Istio reads the namespace from the peer certificate');
    else if (principal !== undefined && namespaceOf(principal) !== namespace) {
      c.error('source.namespace', `"${namespace}" is not the namespace of source.principal "${raw}"`);
    }
  }
  return {
    ...(principal !== undefined ? { peer: { principal, namespace: namespace ?? namespaceOf(principal) } } : {}),
    ...(ip !== undefined ? { ip } : {}),
    ...(port !== undefined ? { port } : {}),
  };
}

function checkAuth(c: Checker, v: unknown): AuthzJwt | undefined {
  const o = c.object(v, 'auth');
  if (o === undefined) return undefined;
  c.known(o, AUTH, 'auth.');
  const claims: Obj = { ...(c.object(o['claims'], 'auth.claims') ?? {}) };
  const principal = c.string(o['principal'], 'auth.principal');
  const presenter = c.string(o['presenter'], 'auth.presenter');
  let audiences: string[] | undefined;
  const aud = o['audiences'];
  if (aud !== undefined) {
    if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) audiences = [...(aud as string[])];
    else c.error('auth.audiences', `must be a list of strings, found ${describe(aud)}`);
  }
  // The payload is what Envoy matches: fill iss/sub/aud/azp from the shorthand fields, and
  // refuse a shorthand that contradicts the claims.
  const fill = (claim: string, value: unknown, field: string): void => {
    if (claims[claim] === undefined) claims[claim] = value;
    else if (JSON.stringify(claims[claim]) !== JSON.stringify(value)) {
      c.error(field, `disagrees with auth.claims.${claim} (${JSON.stringify(claims[claim])})`);
    }
  };
  if (principal !== undefined) {
    const slash = principal.lastIndexOf('/');
    if (slash <= 0 || slash === principal.length - 1) c.error('auth.principal', `"${principal}" must be <iss>/<sub>`);
    else {
      fill('iss', principal.slice(0, slash), 'auth.principal');
      fill('sub', principal.slice(slash + 1), 'auth.principal');
    }
  }
  if (audiences !== undefined) fill('aud', audiences.length === 1 ? audiences[0] : audiences, 'auth.audiences');
  if (presenter !== undefined) fill('azp', presenter, 'auth.presenter');
  return {
    claims,
    ...(principal !== undefined ? { principal } : {}),
    ...(audiences !== undefined ? { audiences } : {}),
    ...(presenter !== undefined ? { presenter } : {}),
  };
}

/**
 * Validates one request object (already parsed from JSON) and maps it onto `AuthzRequest`.
 * Defaults: `method` `GET`, `path` `/`, `host` the `host` header or empty. Principals may be
 * written with or without `spiffe://`. The query and fragment of `path` are dropped, as Envoy's
 * matchers drop them; any other non-normalized path is an error.
 *
 * @example
 * ```ts
 * const r = parseRequest({
 *   method: 'POST', path: '/orders', host: 'orders.shop',
 *   source: { principal: 'cluster.local/ns/shop/sa/frontend' },
 *   auth: { principal: 'https://idp.example/alice', claims: { groups: ['admins'] } },
 * });
 * if (!r.ok) for (const i of r.issues) console.error(`${i.field}: ${i.message}`);
 * ```
 */
export function parseRequest(value: unknown): RequestParseResult {
  const c = new Checker();
  if (!isObj(value)) return { ok: false, issues: [{ field: '', message: `a request must be a JSON object, found ${describe(value)}` }] };
  c.known(value, TOP, '');
  const name = c.string(value['name'], 'name');
  const expectRaw = c.string(value['expect'], 'expect');
  let expect: Expectation | undefined;
  if (expectRaw !== undefined) {
    if (expectRaw === 'allow' || expectRaw === 'deny') expect = expectRaw;
    else c.error('expect', `must be "allow" or "deny", found "${expectRaw}"`);
  }
  const method = c.string(value['method'], 'method') ?? 'GET';
  if (!TOKEN.test(method)) c.error('method', `"${method}" is not an HTTP method`);
  else if (method !== method.toUpperCase()) c.error('method', `"${method}" must be upper-case (Envoy rejects other methods with 400 before authorization)`);
  const rawPath = c.string(value['path'], 'path');
  const path = rawPath === undefined ? '/' : checkPath(c, rawPath);
  const headers = checkHeaders(c, value['headers']);
  const hostHeader = headers['host'];
  if (Array.isArray(hostHeader)) c.error('headers.host', 'must be one value');
  let host = c.string(value['host'], 'host');
  if (host !== undefined && typeof hostHeader === 'string' && hostHeader.toLowerCase() !== host.toLowerCase()) {
    c.error('headers.host', `"${hostHeader}" disagrees with host "${host}"`);
  }
  host ??= typeof hostHeader === 'string' ? hostHeader : '';
  if (/\s/.test(host)) c.error('host', `"${host}" is not a host`);
  const source = checkSource(c, value['source']);
  const remoteIp = c.ip(value['remoteIp'], 'remoteIp');
  const destination = c.object(value['destination'], 'destination');
  let destinationIp: string | undefined;
  let destinationPort: number | undefined;
  if (destination !== undefined) {
    c.known(destination, DESTINATION, 'destination.');
    destinationIp = c.ip(destination['ip'], 'destination.ip');
    destinationPort = c.port(destination['port'], 'destination.port');
  }
  const sni = c.string(value['sni'], 'sni');
  const auth = checkAuth(c, value['auth']);
  if (c.issues.length > 0 || path === undefined) return { ok: false, issues: c.issues };
  const request: AuthzRequest = {
    method,
    path,
    host: host.toLowerCase(),
    headers,
    ...(source.ip !== undefined ? { sourceIp: source.ip } : {}),
    ...(source.port !== undefined ? { sourcePort: source.port } : {}),
    ...(remoteIp !== undefined ? { remoteIp } : {}),
    ...(destinationIp !== undefined ? { destinationIp } : {}),
    ...(destinationPort !== undefined ? { destinationPort } : {}),
    ...(sni !== undefined ? { sni } : {}),
    ...(source.peer !== undefined ? { peer: source.peer } : {}),
    ...(auth !== undefined ? { auth } : {}),
  };
  return { ok: true, value: { request, name, expect } };
}
