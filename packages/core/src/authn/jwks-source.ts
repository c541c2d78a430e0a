import type { JwksFetchError } from './errors.js';
import type { KeyStore } from './key-store.js';

/**
 * Where a rule's keys come from. A source hides fetching and rotation behind two calls: `keys()`
 * answers from memory (never I/O), and `fetchNow()` is the only way a request ever waits for the
 * network, bounded by the fetch timeout and rate-limited by a cooldown.
 */

/**
 * What a source reports about itself, for health checks and logs.
 *
 * @example
 * ```ts
 * for (const s of authenticator.jwksStatus()) if (s.lastError) log.warn(s.uri, s.lastError.message);
 * ```
 */
export interface JwksSourceStatus {
  readonly kind: 'inline' | 'remote';
  /** The key-set URL (after discovery, once resolved); `undefined` for inline sets. */
  readonly uri: string | undefined;
  /** Usable keys held now (0 when none, or when the held set is older than the stale limit). */
  readonly keyCount: number;
  /** When the held keys were fetched (ms since the epoch); `undefined` if never. */
  readonly fetchedAt: number | undefined;
  /** Consecutive failed fetches since the last success. */
  readonly failures: number;
  readonly lastError: JwksFetchError | undefined;
}

/**
 * A rule's key source.
 *
 * @example
 * ```ts
 * const store = source.keys(Date.now()) ?? (await source.fetchNow(Date.now(), 'missing'));
 * ```
 */
export interface JwksSource {
  /** The keys usable now, from memory; `undefined` when none are held or they are too stale. */
  keys(nowMs: number): KeyStore | undefined;
  /**
   * Fetches now and resolves with the keys held afterwards (never rejects). Returns `undefined`,
   * without fetching, when the source cannot fetch (inline) or fetched too recently (cooldown):
   * that is what keeps a flood of unknown `kid`s or an outage from hammering the issuer. A fetch
   * already in flight is shared.
   */
  fetchNow(nowMs: number, why: 'missing' | 'unknown-kid'): Promise<KeyStore | undefined> | undefined;
  /** A promise settled once the first load attempt is over (immediately for inline sets). */
  ready(): Promise<void>;
  status(): JwksSourceStatus;
  /** Stops background refreshes. */
  close(): void;
}

/**
 * A source for an inline `jwks`: the keys never change.
 *
 * @example
 * ```ts
 * const parsed = parseJwksText(rule.jwks);
 * const source = 'store' in parsed ? new InlineJwksSource(parsed.store) : undefined;
 * ```
 */
export class InlineJwksSource implements JwksSource {
  constructor(private readonly store: KeyStore) {}

  keys(): KeyStore {
    return this.store;
  }

  fetchNow(): undefined {
    return undefined;
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  status(): JwksSourceStatus {
    return { kind: 'inline', uri: undefined, keyCount: this.store.size, fetchedAt: undefined, failures: 0, lastError: undefined };
  }

  close(): void {}
}
