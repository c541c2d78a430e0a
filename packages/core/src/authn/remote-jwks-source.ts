import { JwksFetchError } from './errors.js';
import { fetchJson } from './http-fetch.js';
import type { JwksSource, JwksSourceStatus } from './jwks-source.js';
import { KeyStore } from './key-store.js';

/**
 * A remote key set, kept the way istiod keeps it for a sidecar (reference
 * request-authentication.md §7; istio/istio `pilot/pkg/model/jwks_resolver.go`):
 * - fetched at construction, in the background: startup never waits for the issuer;
 * - refreshed every `refreshIntervalMs` (istiod's `PILOT_JWT_PUB_KEY_REFRESH_INTERVAL`, 20 min);
 *   after a failure, retried sooner (`retryMs`, doubling up to the refresh interval, like istiod's
 *   1 min doubling retry);
 * - during an outage the last good keys keep serving, until they are `staleIfErrorMs` old
 *   (istiod keeps them until 7 days pass without a successful refresh); after that, none;
 * - fetched on demand when a token needs keys that are not held (no keys yet, or an unknown
 *   `kid`: jose refetches on unknown `kid`, Envoy does not; both are acceptable per the
 *   reference), at most once per `cooldownMs` (jose's `cooldownDuration`, 30 s), counted from the
 *   last attempt, successful or not, so neither an outage nor a flood of made-up `kid`s turns
 *   into a flood of fetches;
 * - with neither `jwks` nor `jwksUri`, the URL comes from OpenID discovery on the issuer
 *   (`<issuer>/.well-known/openid-configuration`, `jwks_uri`), as istiod resolves it.
 * Nothing the token says is ever fetched.
 */

/**
 * Timing and size settings of a remote key set.
 *
 * @example
 * ```ts
 * const t: RemoteJwksTiming = { refreshIntervalMs: 20 * 60_000, retryMs: 60_000, cooldownMs: 30_000, staleIfErrorMs: 7 * 86_400_000, maxBytes: 512 * 1024 };
 * ```
 */
export interface RemoteJwksTiming {
  readonly refreshIntervalMs: number;
  readonly retryMs: number;
  readonly cooldownMs: number;
  readonly staleIfErrorMs: number;
  readonly maxBytes: number;
}

/**
 * Where and how to fetch.
 *
 * @example
 * ```ts
 * const src = new RemoteJwksSource({ jwksUri: 'https://idp/jwks', issuer: 'https://idp', timeoutMs: 5000, timing, clock: Date.now });
 * ```
 */
export interface RemoteJwksConfig {
  /** The key-set URL; when absent, found by discovery on `issuer`. */
  readonly jwksUri?: string | undefined;
  readonly issuer: string;
  readonly timeoutMs: number;
  readonly timing: RemoteJwksTiming;
  readonly clock: () => number;
  readonly onError?: ((err: JwksFetchError) => void) | undefined;
  /** Start the first fetch now (default) rather than on the first token. */
  readonly prefetch?: boolean;
}

/** The discovery document's URL for an issuer (istio `jwks_resolver.go`: issuer without trailing `/`). */
function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/**
 * A key set fetched over HTTP(S) and kept fresh.
 *
 * @example
 * ```ts
 * const src = new RemoteJwksSource({ jwksUri: 'https://idp/jwks', issuer: 'https://idp', timeoutMs: 5000, timing, clock: Date.now });
 * await src.ready();
 * src.keys(Date.now())?.size;
 * ```
 */
export class RemoteJwksSource implements JwksSource {
  private store: KeyStore | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private lastError: JwksFetchError | undefined;
  private inflight: Promise<KeyStore | undefined> | undefined;
  private resolvedUri: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly first: Promise<void>;

  constructor(private readonly config: RemoteJwksConfig) {
    this.resolvedUri = config.jwksUri;
    if (config.prefetch === false) {
      this.first = Promise.resolve();
    } else {
      this.first = this.fetch().then(() => undefined);
    }
  }

  keys(nowMs: number): KeyStore | undefined {
    const store = this.store;
    if (store === undefined) return undefined;
    // Stale-if-error, bounded: past the limit the old keys are no longer trusted at all.
    return nowMs - this.fetchedAt <= this.config.timing.staleIfErrorMs ? store : undefined;
  }

  fetchNow(nowMs: number): Promise<KeyStore | undefined> | undefined {
    if (this.inflight !== undefined) return this.inflight;
    if (this.closed || nowMs - this.lastAttemptAt < this.config.timing.cooldownMs) return undefined;
    return this.fetch();
  }

  ready(): Promise<void> {
    return this.first;
  }

  status(): JwksSourceStatus {
    const now = this.config.clock();
    return {
      kind: 'remote',
      uri: this.resolvedUri,
      keyCount: this.keys(now)?.size ?? 0,
      fetchedAt: Number.isFinite(this.fetchedAt) ? this.fetchedAt : undefined,
      failures: this.failures,
      lastError: this.lastError,
    };
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async resolveUri(): Promise<string> {
    if (this.resolvedUri !== undefined) return this.resolvedUri;
    const url = discoveryUrl(this.config.issuer);
    const doc = await fetchJson(url, { timeoutMs: this.config.timeoutMs, maxBytes: this.config.timing.maxBytes });
    const uri = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['jwks_uri'] : undefined;
    if (typeof uri !== 'string' || !/^https?:\/\//.test(uri)) {
      throw new JwksFetchError(url, 'invalid-jwks', 'the discovery document has no http(s) jwks_uri');
    }
    this.resolvedUri = uri;
    return uri;
  }

  private fetch(): Promise<KeyStore | undefined> {
    this.lastAttemptAt = this.config.clock();
    const run = async (): Promise<KeyStore | undefined> => {
      let uri = this.resolvedUri ?? discoveryUrl(this.config.issuer);
      try {
        uri = await this.resolveUri();
        const doc = await fetchJson(uri, { timeoutMs: this.config.timeoutMs, maxBytes: this.config.timing.maxBytes });
        const parsed = KeyStore.fromJwks(doc);
        if ('error' in parsed) throw new JwksFetchError(uri, 'invalid-jwks', parsed.error);
        // An unchanged set keeps its object: cached verifications made with it stay valid.
        if (this.store === undefined || this.store.fingerprint !== parsed.store.fingerprint) this.store = parsed.store;
        this.fetchedAt = this.config.clock();
        this.failures = 0;
        this.lastError = undefined;
      } catch (err) {
        const error = err instanceof JwksFetchError ? err : new JwksFetchError(uri, 'network', String(err), { cause: err });
        this.failures++;
        this.lastError = error;
        // A discovered URL that fails is discovered again next time (the issuer may have moved it).
        if (this.config.jwksUri === undefined) this.resolvedUri = undefined;
        try {
          this.config.onError?.(error);
        } catch {
          // A failing log hook must not break key management.
        }
      }
      return this.keys(this.config.clock());
    };
    const p = run().finally(() => {
      this.inflight = undefined;
      this.schedule();
    });
    this.inflight = p;
    return p;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const { refreshIntervalMs, retryMs } = this.config.timing;
    const delay = this.failures === 0 ? refreshIntervalMs : Math.min(retryMs * 2 ** Math.min(this.failures - 1, 20), refreshIntervalMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.inflight === undefined) void this.fetch();
    }, delay);
    // Background refreshes must never keep the process alive.
    this.timer.unref();
  }
}
