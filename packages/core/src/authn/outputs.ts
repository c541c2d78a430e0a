import { percentDecode } from './extract-token.js';

/**
 * What a verified token writes into the request for the application, as Envoy writes it
 * (envoy `jwt_authn/authenticator.cc` handleGoodJwt, addJWTClaimToHeader; reference §8):
 * - `outputPayloadToHeader`: the payload segment exactly as sent (base64url, unpadded, not
 *   re-serialised);
 * - `outputClaimToHeaders`: the claim at a `.`-separated path; a string as is (an empty string
 *   writes nothing), a boolean as `true`/`false`, a non-negative integral number below 2^64 in
 *   decimal, any other number as C++ `std::to_string` does (`1.500000`), an object or a list as
 *   standard base64 of its JSON (current Envoy); absent or `null` writes nothing. A value holding
 *   CR, LF or NUL writes nothing either: a claim must not be able to inject headers.
 * Client-supplied copies of every output header are always removed first (extractor.cc
 * sanitizeHeaders), even when no token is present.
 */

const TWO_POW_64 = 2 ** 64;
const UNSAFE = /[\r\n\0]/;

/**
 * Reads a claim by path; `undefined` when a step is missing or not an object.
 *
 * @example
 * ```ts
 * claimAt({ org: { team: 'a' } }, ['org', 'team']); // 'a'
 * ```
 */
export function claimAt(payload: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let v: unknown = payload;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** C++ `std::to_string(double)`: `%f`, six decimals, never an exponent. */
function cppToString(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  if (Math.abs(v) >= 1e21) return `${BigInt(v).toString()}.000000`;
  return v.toFixed(6);
}

/**
 * Envoy's string for a number claim (`convertClaimDoubleToString`).
 *
 * @example
 * ```ts
 * numberClaimString(42);  // '42'
 * numberClaimString(1.5); // '1.500000'
 * numberClaimString(-1);  // '-1.000000'
 * ```
 */
export function numberClaimString(v: number): string {
  if (v < 0 || v >= TWO_POW_64 || !Number.isInteger(v)) return cppToString(v);
  return v <= Number.MAX_SAFE_INTEGER ? String(v) : BigInt(v).toString();
}

/**
 * The header value Envoy writes for a claim value, or `undefined` for none.
 *
 * @example
 * ```ts
 * claimHeaderValue(true);        // 'true'
 * claimHeaderValue(['a', 'b']);  // 'WyJhIiwiYiJd' (base64 of ["a","b"])
 * claimHeaderValue('');          // undefined
 * ```
 */
export function claimHeaderValue(v: unknown): string | undefined {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'boolean') s = v ? 'true' : 'false';
  else if (typeof v === 'number') s = numberClaimString(v);
  else if (typeof v === 'object' && v !== null) s = Buffer.from(JSON.stringify(v), 'utf8').toString('base64');
  else return undefined;
  return s === '' || UNSAFE.test(s) ? undefined : s;
}

/**
 * One compiled `outputClaimToHeaders` entry.
 *
 * @example
 * ```ts
 * const out: ClaimOutput = { header: 'x-team', path: ['org', 'team'] };
 * ```
 */
export interface ClaimOutput {
  readonly header: string;
  readonly path: readonly string[];
}

/**
 * The headers a verified token sets, for one rule.
 *
 * @example
 * ```ts
 * outputHeaders(parsed.payload, parsed.payloadSegment, 'x-jwt-payload', [{ header: 'x-sub', path: ['sub'] }]);
 * // { 'x-jwt-payload': 'eyJ...', 'x-sub': 'alice' }
 * ```
 */
export function outputHeaders(
  payload: Readonly<Record<string, unknown>>,
  payloadSegment: string,
  payloadHeader: string | undefined,
  claims: readonly ClaimOutput[],
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (payloadHeader !== undefined) out[payloadHeader] = payloadSegment;
  for (const c of claims) {
    const v = claimHeaderValue(claimAt(payload, c.path));
    if (v !== undefined && out[c.header] === undefined) out[c.header] = v;
  }
  return Object.freeze(out);
}

/**
 * The request target without a query parameter (every occurrence), other parameters left byte
 * for byte; the `?` goes when nothing is left. Envoy removes a token taken from a parameter this
 * way (extractor.cc JwtParamLocation::removeJwt) unless the rule forwards the original token.
 *
 * @example
 * ```ts
 * removeQueryParam('/a?x=1&access_token=t&y=2', 'access_token'); // '/a?x=1&y=2'
 * removeQueryParam('/a?access_token=t', 'access_token');         // '/a'
 * ```
 */
export function removeQueryParam(url: string, name: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  let end = url.indexOf('#', q);
  if (end < 0) end = url.length;
  const kept = url
    .slice(q + 1, end)
    .split('&')
    .filter((part) => {
      const eq = part.indexOf('=');
      return percentDecode(eq < 0 ? part : part.slice(0, eq)) !== name;
    });
  const query = kept.join('&');
  return url.slice(0, q) + (query === '' ? '' : `?${query}`) + url.slice(end);
}
