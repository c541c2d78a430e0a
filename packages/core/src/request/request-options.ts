import { OptionError } from '../errors.js';
import type { HostReadOptions } from './host.js';
import type { MethodOverridePolicy } from './methods.js';
import type { PathNormalization } from './path-canonical.js';
import type { PathScanStrictness } from './path-scan.js';

/**
 * Refusals that can be added to the defaults. The defaults themselves (fragments, escaped `/ \ %`
 * and NUL, dot segments, backslashes, `//` the router keeps, `;`, duplicate or
 * malformed hosts, a contradicting absolute-form authority, an override naming no method) cannot
 * be turned off: options only make meshauth stricter.
 *
 * @example
 * ```ts
 * const extra: StricterRefusal[] = ['absolute-form', 'method-override'];
 * ```
 */
export type StricterRefusal = 'absolute-form' | 'trailing-slash' | 'method-override' | 'forwarded-host';

/**
 * How the path, method and host policies see are read from a request.
 *
 * @example
 * ```ts
 * meshAuth({ policies: './policies', request: { pathNormalization: 'MERGE_SLASHES', refuse: ['method-override'] } });
 * ```
 */
export interface RequestOptions {
  /**
   * The mesh's `meshConfig.pathNormalization.normalization`, so that policies also match the path
   * Envoy would have matched. Default `BASE`, Istio's default. Applied where it does not contradict
   * the router: where it would normalize something the router does not (dot segments, `\`, `%2F`),
   * the request is refused instead.
   */
  pathNormalization?: PathNormalization;
  /** Refusals to add to the defaults. */
  refuse?: readonly StricterRefusal[];
  /** Believe `X-Forwarded-Host` (its first element) from trusted hops. Default `false`: ignored. */
  trustForwardedHost?: boolean;
  /**
   * Refuse ambiguous requests even when no policy or route rule is configured. Default `false`:
   * an identity-only setup has no path rule to bypass, so it changes no request.
   */
  refuseAlways?: boolean;
}

/** {@link RequestOptions} checked, in the form the request readers use. */
export interface ResolvedRequestOptions {
  readonly pathNormalization: PathNormalization;
  readonly strictness: PathScanStrictness;
  readonly refuseAbsoluteForm: boolean;
  readonly methodOverride: MethodOverridePolicy;
  readonly host: HostReadOptions;
  readonly refuseAlways: boolean;
}

const MODES: readonly PathNormalization[] = ['NONE', 'BASE', 'DEFAULT', 'MERGE_SLASHES', 'DECODE_AND_MERGE_SLASHES'];
const STRICTER: readonly StricterRefusal[] = ['absolute-form', 'trailing-slash', 'method-override', 'forwarded-host'];
const KNOWN = new Set(['pathNormalization', 'refuse', 'trustForwardedHost', 'refuseAlways']);

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new OptionError(name, 'must be a boolean');
  return value;
}

/**
 * Checks the `request` option once, at construction.
 *
 * @example
 * ```ts
 * resolveRequestOptions({ refuse: ['trailing-slash'] }).strictness.trailingSlash; // true
 * resolveRequestOptions({ pathNormalization: 'LOWER' }); // throws OptionError naming "request.pathNormalization"
 * ```
 */
export function resolveRequestOptions(options: RequestOptions = {}): ResolvedRequestOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new OptionError('request', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new OptionError(`request.${key}`, `is not a known option (known: ${[...KNOWN].join(', ')})`);
  }
  const mode = options.pathNormalization ?? 'BASE';
  if (!MODES.includes(mode)) throw new OptionError('request.pathNormalization', `must be one of ${MODES.join(', ')}`);
  const refuse = options.refuse ?? [];
  if (!Array.isArray(refuse)) throw new OptionError('request.refuse', `must be a list of ${STRICTER.join(', ')}`);
  refuse.forEach((r, i) => {
    if (!STRICTER.includes(r)) throw new OptionError(`request.refuse[${i}]`, `must be one of ${STRICTER.join(', ')} (the default refusals cannot be removed)`);
  });
  const has = (r: StricterRefusal): boolean => refuse.includes(r);
  return Object.freeze({
    pathNormalization: mode === 'DEFAULT' ? 'BASE' : mode,
    strictness: Object.freeze({ trailingSlash: has('trailing-slash') }),
    refuseAbsoluteForm: has('absolute-form'),
    methodOverride: has('method-override') ? 'refuse' : 'evaluate',
    host: Object.freeze({ trustForwardedHost: flag(options.trustForwardedHost, 'request.trustForwardedHost'), refuseUntrustedForwardedHost: has('forwarded-host') }),
    refuseAlways: flag(options.refuseAlways, 'request.refuseAlways'),
  });
}

/** The defaults, for callers without a `request` option. */
export const DEFAULT_REQUEST_OPTIONS: ResolvedRequestOptions = resolveRequestOptions();
