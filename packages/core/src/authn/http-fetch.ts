import { JwksFetchError } from './errors.js';

/**
 * A GET of a small JSON document with the global `fetch`, a timeout covering headers and body,
 * and a size cap, behaving like jose 6's JWKS fetch (`src/jwks/remote.ts` fetchJwks): no redirects
 * followed, anything but `200 OK` is a failure, an aborted body read counts as a timeout. The cap
 * is ours: jose reads bodies without one, and a key set has no reason to be large.
 */

/**
 * Options of {@link fetchJson}.
 *
 * @example
 * ```ts
 * const o: FetchJsonOptions = { timeoutMs: 5000, maxBytes: 512 * 1024 };
 * ```
 */
export interface FetchJsonOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

async function readCapped(response: Response, uri: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new JwksFetchError(uri, 'too-large', `body of ${declared} bytes exceeds ${maxBytes}`);
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new JwksFetchError(uri, 'too-large', `body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function classify(err: unknown, uri: string, signal: AbortSignal): JwksFetchError {
  if (err instanceof JwksFetchError) return err;
  if (signal.aborted || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
    return new JwksFetchError(uri, 'timeout', 'request timed out', { cause: err });
  }
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return new JwksFetchError(uri, 'network', cause ?? (err instanceof Error ? err.message : String(err)), { cause: err });
}

/**
 * Fetches and parses a JSON document; rejects with a {@link JwksFetchError} on any failure.
 *
 * @example
 * ```ts
 * const doc = await fetchJson('https://idp.example.com/.well-known/openid-configuration', { timeoutMs: 5000, maxBytes: 65536 });
 * ```
 */
export async function fetchJson(uri: string, options: FetchJsonOptions): Promise<unknown> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let bytes: Uint8Array;
  try {
    const response = await fetch(uri, {
      method: 'GET',
      redirect: 'manual',
      signal,
      headers: { accept: 'application/json, application/jwk-set+json' },
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new JwksFetchError(uri, 'http-status', `expected 200 OK, got ${response.status}`);
    }
    bytes = await readCapped(response, uri, options.maxBytes);
  } catch (err) {
    throw classify(err, uri, signal);
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (err) {
    throw new JwksFetchError(uri, 'invalid-json', 'body is not JSON', { cause: err });
  }
}
