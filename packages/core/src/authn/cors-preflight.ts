import type { RequestHeaders } from './extract-token.js';

/**
 * Whether a request is a CORS preflight, as jwt_authn decides with `bypass_cors_preflight`
 * (which Istio sets): method `OPTIONS` with a non-empty `Origin` and a non-empty
 * `Access-Control-Request-Method` (envoy `jwt_authn/filter.cc`). A preflight carries no
 * credentials, so it is let through untouched, even with an expired token (Istio integration
 * test `jwt_test.go`, CORS case).
 *
 * @example
 * ```ts
 * isCorsPreflight('OPTIONS', { origin: 'https://app', 'access-control-request-method': 'GET' }); // true
 * ```
 */
export function isCorsPreflight(method: string | undefined, headers: RequestHeaders): boolean {
  if (method !== 'OPTIONS') return false;
  const origin = headers['origin'];
  const acrm = headers['access-control-request-method'];
  return nonEmpty(origin) && nonEmpty(acrm);
}

function nonEmpty(v: string | readonly string[] | undefined): boolean {
  if (v === undefined) return false;
  return typeof v === 'string' ? v !== '' : v.some((s) => s !== '');
}
