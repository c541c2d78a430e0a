import { jwksTimeoutMs } from './duration.js';
import { type IssueCollector, isObj } from '../manifest/issues.js';
import { parseJwksText } from './key-store.js';
import type { ClaimToHeader, JwtHeaderLocation, JwtRule } from './model.js';

/**
 * One `jwtRules` entry, checked as istiod's webhook checks it (istio/istio
 * `pkg/config/validation/validation.go` validateJwtRule) plus the structural schema (unknown
 * fields, wrong types). Where istiod accepts something Envoy would then refuse or silently ignore
 * (an inline `jwks` that is a single key rather than a set, an output header name Envoy's proto
 * rejects), it is an error here, so the problem surfaces at load time and not as 401s.
 */

const RULE_FIELDS = [
  'issuer',
  'audiences',
  'jwksUri',
  'jwks',
  'fromHeaders',
  'fromParams',
  'fromCookies',
  'outputPayloadToHeader',
  'forwardOriginalToken',
  'outputClaimToHeaders',
  'timeout',
  'spaceDelimitedClaims',
];

/** RFC 9110 token: what a header name may be. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** istiod's ValidateStrictHTTPHeaderName for `outputClaimToHeaders[].header`. */
const STRICT_HEADER = /^[-A-Za-z0-9]+$/;

function readHeaders(c: IssueCollector, v: unknown, path: string): JwtHeaderLocation[] | undefined {
  const list = c.list(v, path);
  if (list === undefined) return undefined;
  const out: JwtHeaderLocation[] = [];
  list.forEach((item, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(item)) {
      c.error(p, 'location header name must be non-null');
      return;
    }
    c.known(item, ['name', 'prefix'], p);
    const name = c.string(item['name'], `${p}.name`);
    const prefix = c.string(item['prefix'], `${p}.prefix`);
    if (name === undefined) return;
    out.push(prefix === undefined ? { name } : { name, prefix });
  });
  return out;
}

function readClaimHeaders(c: IssueCollector, v: unknown, path: string): ClaimToHeader[] | undefined {
  const list = c.list(v, path);
  if (list === undefined) return undefined;
  const out: ClaimToHeader[] = [];
  list.forEach((item, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(item)) {
      c.error(p, 'outputClaimToHeaders must not be null');
      return;
    }
    c.known(item, ['header', 'claim'], p);
    const header = c.string(item['header'], `${p}.header`) ?? '';
    const claim = c.string(item['claim'], `${p}.claim`) ?? '';
    out.push({ header, claim });
  });
  return out;
}

/**
 * Reads one manifest `jwtRules` entry into the model (the `timeout` duration becomes `timeoutMs`)
 * and checks it; returns `undefined` when the entry had errors.
 *
 * @example
 * ```ts
 * const c = new IssueCollector();
 * const rule = readJwtRule(c, { issuer: 'https://idp', jwksUri: 'https://idp/jwks', timeout: '2s' }, 'spec.jwtRules[0]');
 * // rule?.timeoutMs === 2000
 * ```
 */
export function readJwtRule(c: IssueCollector, raw: unknown, path: string): JwtRule | undefined {
  if (!isObj(raw)) {
    c.error(path, raw === null ? 'must not be null' : 'must be an object');
    return undefined;
  }
  const before = c.errors.length;
  c.known(raw, RULE_FIELDS, path);
  const issuer = c.string(raw['issuer'], `${path}.issuer`) ?? '';
  const audiences = c.strings(raw['audiences'], `${path}.audiences`, 'audience must be non-empty string');
  const jwksUri = c.string(raw['jwksUri'], `${path}.jwksUri`);
  const jwks = c.string(raw['jwks'], `${path}.jwks`);
  const fromHeaders = readHeaders(c, raw['fromHeaders'], `${path}.fromHeaders`);
  const fromParams = c.strings(raw['fromParams'], `${path}.fromParams`, 'location query must be non-empty string');
  const fromCookies = c.strings(raw['fromCookies'], `${path}.fromCookies`, 'cookie name must be non-empty string');
  const outputPayloadToHeader = c.string(raw['outputPayloadToHeader'], `${path}.outputPayloadToHeader`);
  const forwardOriginalToken = c.boolean(raw['forwardOriginalToken'], `${path}.forwardOriginalToken`);
  const outputClaimToHeaders = readClaimHeaders(c, raw['outputClaimToHeaders'], `${path}.outputClaimToHeaders`);
  const spaceDelimitedClaims = c.strings(raw['spaceDelimitedClaims'], `${path}.spaceDelimitedClaims`, 'claim name must be non-empty string');
  let timeoutMs: number | undefined;
  const timeout = c.string(raw['timeout'], `${path}.timeout`);
  if (timeout !== undefined) {
    const t = jwksTimeoutMs(timeout);
    if ('error' in t) c.error(`${path}.timeout`, t.error);
    else timeoutMs = t.ms;
  }
  // Empty strings are proto3 defaults: the same as absent.
  const rule: JwtRule = {
    issuer,
    ...(audiences !== undefined && audiences.length > 0 ? { audiences } : {}),
    ...(jwksUri ? { jwksUri } : {}),
    ...(jwks ? { jwks } : {}),
    ...(fromHeaders !== undefined && fromHeaders.length > 0 ? { fromHeaders } : {}),
    ...(fromParams !== undefined && fromParams.length > 0 ? { fromParams } : {}),
    ...(fromCookies !== undefined && fromCookies.length > 0 ? { fromCookies } : {}),
    ...(forwardOriginalToken !== undefined ? { forwardOriginalToken } : {}),
    ...(outputPayloadToHeader ? { outputPayloadToHeader } : {}),
    ...(outputClaimToHeaders !== undefined && outputClaimToHeaders.length > 0 ? { outputClaimToHeaders } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(spaceDelimitedClaims !== undefined && spaceDelimitedClaims.length > 0 ? { spaceDelimitedClaims } : {}),
  };
  checkJwtRule(c, rule, path);
  return c.errors.length === before ? rule : undefined;
}

function checkUri(c: IssueCollector, uri: string, path: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    c.error(path, `"${uri}" is not a URL`);
    return;
  }
  // security.ParseJwksURI: only http and https.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') c.error(path, `URI scheme "${url.protocol.slice(0, -1)}" is not supported`);
  else if (url.protocol === 'http:') c.warn(path, 'keys fetched over plain http can be replaced in transit');
}

/**
 * The semantic checks of one rule, on the model: shared by manifest parsing and by
 * `createRequestAuthenticator` for rules built in code.
 *
 * @example
 * ```ts
 * const c = new IssueCollector();
 * checkJwtRule(c, { issuer: '' }, 'rules[0]');
 * // c.errors[0].message === 'issuer or jwksUri must be non-empty string'
 * ```
 */
export function checkJwtRule(c: IssueCollector, rule: JwtRule, path: string): void {
  if (typeof rule.issuer !== 'string') c.error(`${path}.issuer`, 'must be a string');
  if (!rule.issuer && !rule.jwksUri) c.error(path, 'issuer or jwksUri must be non-empty string');
  rule.audiences?.forEach((a, i) => {
    if (typeof a !== 'string' || a === '') c.error(`${path}.audiences[${i}]`, 'audience must be non-empty string');
  });
  if (rule.jwksUri !== undefined) checkUri(c, rule.jwksUri, `${path}.jwksUri`);
  if (rule.jwks !== undefined) {
    const parsed = parseJwksText(rule.jwks);
    if ('error' in parsed) c.error(`${path}.jwks`, `jwks parse error: ${parsed.error}`);
    else if (parsed.store.size === 0) c.warn(`${path}.jwks`, 'the key set has no usable key: every token for this rule will be refused');
    if (rule.jwksUri !== undefined) c.warn(`${path}.jwksUri`, 'ignored because jwks is set');
  }
  if (rule.jwks === undefined && rule.jwksUri === undefined && rule.issuer) {
    let ok = false;
    try {
      const u = new URL(rule.issuer);
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      ok = false;
    }
    // istiod accepts this and then fails discovery, inlining a key nobody can sign with (fail closed).
    if (!ok) c.warn(path, 'without jwks or jwksUri the key set is found by OpenID discovery on the issuer, which is not an http(s) URL: every token for this rule will be refused');
  }
  rule.fromHeaders?.forEach((h, i) => {
    if (typeof h.name !== 'string' || h.name === '') c.error(`${path}.fromHeaders[${i}].name`, 'location header name must be non-empty string');
    else if (!HTTP_TOKEN.test(h.name)) c.error(`${path}.fromHeaders[${i}].name`, `"${h.name}" is not a valid header name`);
    if (h.prefix !== undefined && typeof h.prefix !== 'string') c.error(`${path}.fromHeaders[${i}].prefix`, 'must be a string');
  });
  rule.fromParams?.forEach((p, i) => {
    if (typeof p !== 'string' || p === '') c.error(`${path}.fromParams[${i}]`, 'location query must be non-empty string');
  });
  rule.fromCookies?.forEach((p, i) => {
    if (typeof p !== 'string' || p === '') c.error(`${path}.fromCookies[${i}]`, 'cookie name must be non-empty string');
  });
  if (rule.outputPayloadToHeader !== undefined && !HTTP_TOKEN.test(rule.outputPayloadToHeader)) {
    // Envoy's proto validates forward_payload_header as a header name; a bad one is NACKed.
    c.error(`${path}.outputPayloadToHeader`, `"${rule.outputPayloadToHeader}" is not a valid header name`);
  }
  rule.outputClaimToHeaders?.forEach((h, i) => {
    const p = `${path}.outputClaimToHeaders[${i}]`;
    if (!h.claim || !h.header) c.error(p, 'outputClaimToHeaders header and claim value must be non-empty string');
    else if (!STRICT_HEADER.test(h.header)) c.error(`${p}.header`, `header name ${h.header} is not a valid header name`);
  });
  if (rule.timeoutMs !== undefined && (!Number.isInteger(rule.timeoutMs) || rule.timeoutMs < 1)) {
    c.error(`${path}.timeoutMs`, 'must be a whole number of milliseconds, at least 1');
  }
  rule.spaceDelimitedClaims?.forEach((p, i) => {
    if (typeof p !== 'string' || p === '') c.error(`${path}.spaceDelimitedClaims[${i}]`, 'claim name must be non-empty string');
  });
}
