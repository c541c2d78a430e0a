/**
 * @internal
 * Character classes of SPIFFE IDs, as char-code lookups so parsing never needs a regex.
 *
 * Trust domain: `[a-z0-9._-]`; path segment: `[a-zA-Z0-9._-]`
 * (spiffe/standards/SPIFFE-ID.md §2.1 and §2.2; go-spiffe spiffeid/charset.go).
 */

const TRUST_DOMAIN = new Uint8Array(128);
const PATH_SEGMENT = new Uint8Array(128);

for (const c of '0123456789abcdefghijklmnopqrstuvwxyz.-_') {
  TRUST_DOMAIN[c.charCodeAt(0)] = 1;
  PATH_SEGMENT[c.charCodeAt(0)] = 1;
}
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') PATH_SEGMENT[c.charCodeAt(0)] = 1;

export const SLASH = 0x2f;
export const DOT = 0x2e;
export const COLON = 0x3a;
export const AT = 0x40;
export const PERCENT = 0x25;
export const QUESTION = 0x3f;
export const HASH = 0x23;

/** The literal scheme prefix; go-spiffe matches it byte-exactly too (spiffeid/id.go `FromString`). */
export const SCHEME_PREFIX = 'spiffe://';

/** SPIFFE-ID.md §2.3: implementations MUST support 2048 bytes and SHOULD NOT generate longer IDs. */
export const MAX_ID_LENGTH = 2048;

/** SPIFFE-ID.md §2.3: a trust domain name is at most 255 bytes. */
export const MAX_TRUST_DOMAIN_LENGTH = 255;

/** `c` may appear in a trust domain name. */
export function isTrustDomainChar(c: number): boolean {
  return c < 128 && TRUST_DOMAIN[c] === 1;
}

/** `c` may appear in a path segment. */
export function isPathSegmentChar(c: number): boolean {
  return c < 128 && PATH_SEGMENT[c] === 1;
}

/** Renders a rejected character for an error message without echoing control bytes into logs. */
export function describeChar(c: number): string {
  return c > 0x20 && c < 0x7f ? JSON.stringify(String.fromCharCode(c)) : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
