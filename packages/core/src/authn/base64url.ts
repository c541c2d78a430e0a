/**
 * Strict base64url for JWT segments. Node's `Buffer.from(s, 'base64url')` is lenient (it also
 * takes `+` and `/` and skips characters it does not know), so the alphabet is checked first.
 * jwt_verify_lib decodes with `absl::WebSafeBase64Unescape`: the URL-safe alphabet only, with
 * optional `=` padding (reference request-authentication.md §4.1, §11.10).
 */

const ALPHABET = /^[A-Za-z0-9_-]*={0,2}$/;

/** The 6-bit value of a base64url character (already checked against the alphabet). */
function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  return c === 45 ? 62 : 63; // - _
}

/**
 * Decodes one segment, or returns `undefined` when it is not strict base64url.
 *
 * @example
 * ```ts
 * decodeBase64Url('eyJhbGciOiJSUzI1NiJ9')?.toString(); // '{"alg":"RS256"}'
 * decodeBase64Url('ab+/');                              // undefined
 * ```
 */
export function decodeBase64Url(segment: string): Buffer | undefined {
  if (!ALPHABET.test(segment)) return undefined;
  const pad = segment.endsWith('==') ? 2 : segment.endsWith('=') ? 1 : 0;
  if (pad > 0 && segment.length % 4 !== 0) return undefined;
  // One leftover character carries fewer than 8 bits: no byte can end there.
  const rest = (segment.length - pad) % 4;
  if (rest === 1) return undefined;
  // The unused low bits of the last character must be zero (RFC 4648 §3.5): otherwise several
  // spellings decode to the same bytes and a token could be altered without touching its signature.
  if (rest !== 0 && (sextet(segment.charCodeAt(segment.length - pad - 1)) & (rest === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  return Buffer.from(pad > 0 ? segment.slice(0, -pad) : segment, 'base64url');
}
