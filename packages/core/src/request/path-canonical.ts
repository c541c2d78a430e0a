import { escapedByte, PATH_DOUBLE_SLASH, PATH_ESCAPED, PATH_OTHER } from './path-scan.js';

/**
 * The two spellings of a scanned path that policies are matched against: the router's (what the
 * handler will see: every Node router decodes parameters, Fastify decodes the whole path) and the
 * mesh's (what Envoy would match under `meshConfig.pathNormalization`, authorization-policy.md 9).
 */

/**
 * Istio's `meshConfig.pathNormalization.normalization` modes. `DEFAULT` is accepted as Istio's
 * alias of `BASE`.
 */
export type PathNormalization = 'NONE' | 'BASE' | 'DEFAULT' | 'MERGE_SLASHES' | 'DECODE_AND_MERGE_SLASHES';

const HEX = '0123456789ABCDEF';

// RFC 3986 pchar without `%`: unreserved, sub-delims, `:` and `@`. Those may appear raw in a path,
// so their escapes are spellings of the same parameter value and are decoded.
const PCHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@") PCHAR[c.charCodeAt(0)] = 1;
// Unreserved only: what Envoy's BASE normalization decodes.
const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[c.charCodeAt(0)] = 1;

function escape(b: number): string {
  return `%${HEX[b >> 4] ?? '0'}${HEX[b & 15] ?? '0'}`;
}

function rewrite(path: string, decode: Uint8Array, upperCaseKept: boolean, merge: boolean): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 37 /* % */) {
      const b = escapedByte(path, i);
      if (b < 0x80 && decode[b] === 1) out += String.fromCharCode(b);
      else out += upperCaseKept ? escape(b) : path.slice(i, i + 3);
      i += 2;
      last = b;
      continue;
    }
    if (c === 47 /* / */) {
      if (merge && last === 47) continue;
      out += '/';
    } else if (c < 0x80 && PCHAR[c] === 1) {
      out += path[i];
    } else {
      // Characters a URL must escape (`"`, `{`, `|`, ...): Envoy escapes them too.
      out += escape(c);
    }
    last = c;
  }
  return out;
}

/**
 * The router's spelling of a scanned path: escapes of characters that may also be written raw are
 * decoded (`/files/secret%2Etxt` and `/files/secret.txt` reach the same handler with the same
 * parameter), the others are kept with upper-case hex, characters that must be escaped are
 * escaped, and `//` is merged when the router merges it. Only `PATH_*` flags from `scanPath`
 * tell whether anything is to be done.
 *
 * @example
 * ```ts
 * routerSpelling('/files/secret%2etxt', PATH_ESCAPED, false);  // '/files/secret.txt'
 * routerSpelling('/files/caf%c3%a9', PATH_ESCAPED, false);     // '/files/caf%C3%A9'
 * ```
 */
export function routerSpelling(path: string, flags: number, mergeSlashes: boolean): string {
  if ((flags & (PATH_ESCAPED | PATH_OTHER | PATH_DOUBLE_SLASH)) === 0) return path;
  return rewrite(path, PCHAR, true, mergeSlashes);
}

/**
 * The spelling Envoy would match under a `pathNormalization` mode, for the steps that remain once
 * `scanPath` has refused dot segments, backslashes and escaped slashes: `NONE` keeps the path as
 * sent; `BASE` decodes escapes of unreserved characters and keeps the others as written;
 * `MERGE_SLASHES` and `DECODE_AND_MERGE_SLASHES` also merge `//`.
 *
 * @example
 * ```ts
 * meshSpelling('/%61dmin', PATH_ESCAPED, 'BASE'); // '/admin'
 * meshSpelling('/%61dmin', PATH_ESCAPED, 'NONE'); // '/%61dmin'
 * ```
 */
export function meshSpelling(path: string, flags: number, mode: PathNormalization): string {
  if (mode === 'NONE' || (flags & (PATH_ESCAPED | PATH_OTHER | PATH_DOUBLE_SLASH)) === 0) return path;
  return rewrite(path, UNRESERVED, false, mode === 'MERGE_SLASHES' || mode === 'DECODE_AND_MERGE_SLASHES');
}

/**
 * One decoded value (a route parameter) in the router's spelling, or `undefined` when it cannot be
 * encoded (a lone surrogate).
 *
 * @example
 * ```ts
 * encodeSegment('a b');  // 'a%20b'
 * encodeSegment('x:1');  // 'x:1'
 * ```
 */
export function encodeSegment(value: string): string | undefined {
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80 || PCHAR[c] !== 1) {
      plain = false;
      break;
    }
  }
  if (plain) return value;
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    return undefined;
  }
  // encodeURIComponent escapes some sub-delims the router spelling keeps raw.
  return encoded.replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}
