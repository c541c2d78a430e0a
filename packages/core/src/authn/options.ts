import { OptionError } from '../errors.js';
import type { JwksFetchError } from './errors.js';
import type { RemoteJwksTiming } from './remote-jwks-source.js';

/**
 * Options of `createRequestAuthenticator`, checked once at construction with messages naming the
 * option. Defaults are Istio's where Istio has one.
 */

/**
 * Remote key-set settings.
 *
 * @example
 * ```ts
 * const jwks: JwksOptions = { refreshIntervalMs: 5 * 60_000, staleIfErrorMs: 24 * 3_600_000 };
 * ```
 */
export interface JwksOptions {
  /** Refresh period. Default 20 min (istiod `PILOT_JWT_PUB_KEY_REFRESH_INTERVAL`). */
  readonly refreshIntervalMs?: number;
  /** First retry delay after a failed fetch, doubling up to the refresh period. Default 1 min (istiod). */
  readonly retryMs?: number;
  /** Least time between two fetches a request can trigger (unknown `kid`, no keys). Default 30 s (jose). */
  readonly cooldownMs?: number;
  /** How long the last good keys keep serving while fetches fail. Default 7 days (istiod). */
  readonly staleIfErrorMs?: number;
  /** Largest key-set or discovery body accepted. Default 512 KiB. */
  readonly maxBytes?: number;
  /** Fetch every remote set at construction, in the background. Default `true`. */
  readonly prefetch?: boolean;
}

/**
 * Verified-token cache settings.
 *
 * @example
 * ```ts
 * const cache: TokenCacheOptions = { maxEntries: 50_000 };
 * ```
 */
export interface TokenCacheOptions {
  /** Most tokens held. Default 10 000. */
  readonly maxEntries?: number;
  /** Longest an entry lives when its token has no `exp`. Default 5 min. */
  readonly maxAgeMs?: number;
}

/**
 * Options of `createRequestAuthenticator`.
 *
 * @example
 * ```ts
 * createRequestAuthenticator(rules, { cache: { maxEntries: 50_000 }, onJwksError: (e) => log.warn(e.message) });
 * ```
 */
export interface RequestAuthenticatorOptions {
  /** The verified-token cache; `false` turns it off. On by default. */
  readonly cache?: boolean | TokenCacheOptions;
  /** Tokens longer than this (in characters) get 401 before any parsing. Default 8192. */
  readonly maxTokenBytes?: number;
  readonly jwks?: JwksOptions;
  /** The clock, in ms since the epoch (tests). Default `Date.now`. */
  readonly clock?: () => number;
  /** Called on every failed key-set fetch. */
  readonly onJwksError?: (err: JwksFetchError) => void;
}

/**
 * The options after defaults and checks.
 *
 * @example
 * ```ts
 * const resolved = resolveAuthnOptions({ maxTokenBytes: 4096 });
 * resolved.timing.refreshIntervalMs; // 1_200_000
 * ```
 */
export interface ResolvedAuthnOptions {
  readonly cache: { readonly maxEntries: number; readonly maxAgeMs: number } | undefined;
  readonly maxTokenBytes: number;
  readonly timing: RemoteJwksTiming;
  readonly prefetch: boolean;
  readonly clock: () => number;
  readonly onJwksError: ((err: JwksFetchError) => void) | undefined;
}

const DEFAULTS = {
  maxEntries: 10_000,
  maxAgeMs: 5 * 60_000,
  maxTokenBytes: 8192,
  refreshIntervalMs: 20 * 60_000,
  retryMs: 60_000,
  cooldownMs: 30_000,
  staleIfErrorMs: 7 * 24 * 3_600_000,
  maxBytes: 512 * 1024,
} as const;

function int(value: number | undefined, fallback: number, option: string, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new OptionError(option, `must be an integer of at least ${min}`);
  }
  return value;
}

/**
 * Applies defaults and checks every option; throws {@link OptionError} naming the option.
 *
 * @example
 * ```ts
 * resolveAuthnOptions({ cache: { maxEntries: 1 } }); // throws: "cache.maxEntries" option must be an integer of at least 2
 * ```
 */
export function resolveAuthnOptions(options: RequestAuthenticatorOptions = {}): ResolvedAuthnOptions {
  const c = options.cache ?? true;
  if (typeof c !== 'boolean' && (typeof c !== 'object' || c === null)) throw new OptionError('cache', 'must be a boolean or an object');
  const cache =
    c === false
      ? undefined
      : {
          maxEntries: int(c === true ? undefined : c.maxEntries, DEFAULTS.maxEntries, 'cache.maxEntries', 2),
          maxAgeMs: int(c === true ? undefined : c.maxAgeMs, DEFAULTS.maxAgeMs, 'cache.maxAgeMs', 1),
        };
  const j = options.jwks ?? {};
  if (options.clock !== undefined && typeof options.clock !== 'function') throw new OptionError('clock', 'must be a function');
  if (options.onJwksError !== undefined && typeof options.onJwksError !== 'function') throw new OptionError('onJwksError', 'must be a function');
  if (j.prefetch !== undefined && typeof j.prefetch !== 'boolean') throw new OptionError('jwks.prefetch', 'must be a boolean');
  return {
    cache,
    maxTokenBytes: int(options.maxTokenBytes, DEFAULTS.maxTokenBytes, 'maxTokenBytes', 64),
    timing: {
      refreshIntervalMs: int(j.refreshIntervalMs, DEFAULTS.refreshIntervalMs, 'jwks.refreshIntervalMs', 1),
      retryMs: int(j.retryMs, DEFAULTS.retryMs, 'jwks.retryMs', 1),
      cooldownMs: int(j.cooldownMs, DEFAULTS.cooldownMs, 'jwks.cooldownMs', 0),
      staleIfErrorMs: int(j.staleIfErrorMs, DEFAULTS.staleIfErrorMs, 'jwks.staleIfErrorMs', 0),
      maxBytes: int(j.maxBytes, DEFAULTS.maxBytes, 'jwks.maxBytes', 1024),
    },
    prefetch: j.prefetch ?? true,
    clock: options.clock ?? Date.now,
    onJwksError: options.onJwksError,
  };
}
