import { parseCidr } from './ip-match.js';
import { checkPathTemplate, isPathTemplate } from './path-template.js';

/**
 * Value checks of Istio's validation webhook (`pkg/config/security/security.go`,
 * `pkg/config/validation/validation.go` ValidateAuthorizationPolicy). Each returns an error sentence
 * or `undefined`.
 */

/**
 * ValidatePorts: `strconv.ParseUint(v, 10, 32)` and at most 65535 (no sign, no wildcard).
 *
 * @example
 * ```ts
 * checkPort('+80'); // 'bad port (+80): must be an integer in 0..65535'
 * ```
 */
export function checkPort(value: string): string | undefined {
  if (!/^[0-9]+$/.test(value) || Number(value) > 65535) return `bad port (${value}): must be an integer in 0..65535`;
  return undefined;
}

/**
 * Parses a valid port value.
 *
 * @example
 * ```ts
 * portNumber('08080'); // 8080, as Go's ParseUint reads it
 * ```
 */
export function portNumber(value: string): number {
  return Number(value);
}

/**
 * ValidateIPs: `netip.ParsePrefix` when the value has `/`, else `netip.ParseAddr`.
 *
 * @example
 * ```ts
 * checkIp('10.0.0.0/8'); // undefined
 * ```
 */
export function checkIp(value: string): string | undefined {
  const c = parseCidr(value);
  return typeof c === 'string' ? c : undefined;
}

/**
 * CheckValidPathTemplate, for values that are templates.
 *
 * @example
 * ```ts
 * checkPath('/a/{**}/{*}'); // 'invalid or unsupported path template: operator after {**}'
 * ```
 */
export function checkPath(value: string): string | undefined {
  return isPathTemplate(value) ? checkPathTemplate(value) : undefined;
}

/** Maximum number of `serviceAccounts` values (istio/api field `max_items`). */
export const MAX_SERVICE_ACCOUNTS = 16;

/**
 * CheckServiceAccount: `name` (the policy's namespace) or `namespace/name`; both parts non-empty;
 * no wildcards.
 *
 * @example
 * ```ts
 * checkServiceAccount('shop/frontend'); // undefined
 * ```
 */
export function checkServiceAccount(value: string): string | undefined {
  const parts = value.split('/');
  if (value.includes('*')) return `service account "${value}": wildcards are not supported`;
  if (parts.length > 2 || parts.some((p) => p === '')) {
    return `service account "${value}": must be "<name>" or "<namespace>/<name>"`;
  }
  return undefined;
}

/**
 * Trust domains: at most one `*`, only at the start or the end, and no `/`.
 *
 * @example
 * ```ts
 * checkTrustDomain('*.corp'); // undefined
 * ```
 */
export function checkTrustDomain(value: string): string | undefined {
  if (value.includes('/')) return `trust domain "${value}": must not contain "/"`;
  const stars = value.split('*').length - 1;
  if (stars > 1 || (stars === 1 && !value.startsWith('*') && !value.endsWith('*'))) {
    return `trust domain "${value}": at most one "*", at the start or the end`;
  }
  return undefined;
}
