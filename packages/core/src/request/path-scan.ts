import { refusal, type Refusal } from './refusal.js';
import type { RouterProfile } from './router-profile.js';

/**
 * One pass over a request path that refuses the spellings routers and policies could read
 * differently (path-safety.md, design rule 3) and tells the caller which normalizations the path
 * needs. A plain lower-case path (`/api/orders/7`) comes back as `0`: nothing to rewrite, one
 * reading, no allocation.
 */

/** The path has a `%XX` escape (allowed ones). */
export const PATH_ESCAPED = 1;
/** The path has an upper-case ASCII letter. */
export const PATH_UPPER = 2;
/** The path has a character other than `a-z 0-9 - . _ ~ /` and the flags above. */
export const PATH_OTHER = 4;
/** The path ends with `/` (and is not `/`). */
export const PATH_TRAILING_SLASH = 8;
/** The path has `//` and the router merges it. */
export const PATH_DOUBLE_SLASH = 16;

/** Refusals the options can add to the defaults. */
export interface PathScanStrictness {
  /** Refuse a trailing `/`. */
  readonly trailingSlash: boolean;
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * The byte of the `%XX` escape at `i`, or -1 when `%` is not followed by two hex digits.
 *
 * @example
 * ```ts
 * escapedByte('/%61dmin', 1); // 0x61
 * ```
 */
export function escapedByte(path: string, i: number): number {
  const h = hex(path.charCodeAt(i + 1));
  const l = hex(path.charCodeAt(i + 2));
  return h < 0 || l < 0 ? -1 : h * 16 + l;
}

function escapeRefusal(b: number): Refusal | undefined {
  // Never a separator for any Node router, but a separator for Envoy's DECODE_AND_MERGE_SLASHES and
  // for any handler that decodes and then resolves paths (authorization-policy.md 10, CVE-2021-31920).
  if (b === 0x2f) return refusal('encoded-slash');
  if (b === 0x5c) return refusal('encoded-backslash');
  // Double decoding (`%252F`) by a later layer would turn it into one of the above.
  if (b === 0x25) return refusal('encoded-percent');
  // Envoy answers 400 to %00 (authorization-policy.md 9).
  if (b === 0x00) return refusal('encoded-nul');
  if (b < 0x20 || b === 0x7f) return refusal('encoded-control');
  // Decoded inside a parameter it becomes the delimiter Fastify's useSemicolonDelimiter cuts on.
  if (b === 0x3b) return refusal('encoded-semicolon');
  return undefined;
}

/**
 * Scans a path (no query) and returns either a refusal or the `PATH_*` flags describing it.
 *
 * Refused, whatever the router: an invalid or a dangerous escape (`%2F %5C %25 %00 %3B`, other
 * encoded controls), a raw control or non-ASCII character, a raw `\`, a dot segment written raw or
 * encoded (no Node router resolves them, Envoy and WHATWG URL do), a raw `;` (Fastify's
 * `useSemicolonDelimiter` and Tomcat-style servers cut the path on it, Express and Koa keep it, and
 * Envoy keeps it: `/admin;x` is `/admin` to some and not to others). Refused depending on the
 * router: `//` unless it merges slashes.
 *
 * @example
 * ```ts
 * scanPath('/api/orders/7', FASTIFY_DEFAULT_ROUTER, strictness);  // 0
 * scanPath('/Admin/', EXPRESS_DEFAULT_ROUTER, strictness);        // PATH_UPPER | PATH_TRAILING_SLASH
 * scanPath('/x/%2e%2e/admin', EXPRESS_DEFAULT_ROUTER, strictness); // refusal 'dot-segment'
 * ```
 */
export function scanPath(path: string, router: RouterProfile, strict: PathScanStrictness): number | Refusal {
  if (path === '*') return PATH_OTHER;
  let flags = 0;
  let dots = 0;
  let others = 0;
  const n = path.length;
  for (let i = 0; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c === 47 /* / */) {
      if (others === 0 && (dots === 1 || dots === 2)) return refusal('dot-segment');
      dots = 0;
      others = 0;
      if (i + 1 < n && path.charCodeAt(i + 1) === 47) {
        if (!router.mergeSlashes) return refusal('duplicate-slash');
        flags |= PATH_DOUBLE_SLASH;
      }
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 126) {
      others++;
    } else if (c === 46 /* . */) {
      dots++;
    } else if (c >= 65 && c <= 90) {
      flags |= PATH_UPPER;
      others++;
    } else if (c === 37 /* % */) {
      const b = escapedByte(path, i);
      if (b < 0) return refusal('invalid-encoding');
      const bad = escapeRefusal(b);
      if (bad !== undefined) return bad;
      if (b === 0x2e) dots++;
      else others++;
      flags |= PATH_ESCAPED;
      i += 2;
    } else if (c === 92 /* \ */) {
      // WHATWG URL and Envoy BASE turn it into `/`; Node routers keep it literal.
      return refusal('backslash');
    } else if (c === 59 /* ; */) {
      return refusal('semicolon');
    } else if (c < 0x21 || c >= 0x7f) {
      return refusal('invalid-character');
    } else {
      flags |= PATH_OTHER;
      others++;
    }
  }
  if (others === 0 && (dots === 1 || dots === 2)) return refusal('dot-segment');
  if (n > 1 && path.charCodeAt(n - 1) === 47) {
    if (strict.trailingSlash) return refusal('trailing-slash');
    flags |= PATH_TRAILING_SLASH;
  }
  return flags;
}
