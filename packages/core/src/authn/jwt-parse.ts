import { decodeBase64Url } from './base64url.js';
import { readRegisteredClaims, type RegisteredClaims } from './claims.js';
import { familyForAlg } from './key-store.js';
import type { AuthnReason } from './reasons.js';
import { parseJsonObject } from './strict-json.js';

/**
 * Parsing a compact JWS the way jwt_verify_lib does (`src/jwt.cc` parseFromString), in its order,
 * plus the refusals Envoy does not make but a secure verifier must:
 * - exactly two dots and three non-empty segments (so `h.p.` with `alg: none`, two-part tokens
 *   and five-part JWEs fail);
 * - strict base64url; header and payload JSON objects without repeated member names;
 * - `alg` a string among those jwt_verify_lib implements (no `none`);
 * - `kid` a string when present;
 * - no `crit` (RFC 7515 §4.1.11: we understand no extension; jose refuses unknown ones too);
 * - no `jwk`, `jku` or `x5u`: a token never chooses its key (CVE-2018-0114 and friends); they
 *   would be ignored anyway, and their presence only ever signals an attack or a misconfigured
 *   issuer;
 * - the registered claims' types (see `claims.ts`).
 * Nothing here verifies anything: the result must not be trusted before the signature is checked.
 */

/**
 * A token split and decoded, not yet verified.
 *
 * @example
 * ```ts
 * const p = parseJwt(token);
 * if (typeof p !== 'string') console.log(p.alg, p.kid, p.claims.iss);
 * ```
 */
export interface ParsedJwt {
  readonly token: string;
  readonly alg: string;
  /** `''` when the header has no `kid`. */
  readonly kid: string;
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** The payload segment exactly as sent (base64url, as Envoy forwards it). */
  readonly payloadSegment: string;
  /** `header.payload`, the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
  readonly claims: RegisteredClaims;
}

interface ParsedHeader {
  readonly value: Readonly<Record<string, unknown>>;
  readonly alg: string;
  readonly kid: string;
}

/**
 * Headers of accepted shape, by segment. An issuer sends the same few headers (`alg`, `kid`,
 * `typ`) on every token, so decoding them once saves a base64 decode, a JSON parse and a
 * duplicate scan per cold verification. Bounded: emptied when full.
 */
const HEADERS = new Map<string, ParsedHeader>();
const MAX_HEADERS = 256;

function parseHeader(segment: string): ParsedHeader | AuthnReason {
  const known = HEADERS.get(segment);
  if (known !== undefined) return known;
  const bytes = decodeBase64Url(segment);
  if (bytes === undefined) return 'JWT_BAD_BASE64';
  const parsed = parseJsonObject(bytes);
  if (!parsed.ok) return parsed.why === 'duplicate' ? 'JWT_DUPLICATE_MEMBER' : 'JWT_BAD_JSON';
  const h = parsed.value;
  const alg = h['alg'];
  if (typeof alg !== 'string' || familyForAlg(alg) === undefined) return 'JWT_ALG_UNSUPPORTED';
  const kid = h['kid'];
  if (kid !== undefined && typeof kid !== 'string') return 'JWT_BAD_KID';
  if (h['crit'] !== undefined) return 'JWT_CRIT_UNSUPPORTED';
  if (h['jwk'] !== undefined || h['jku'] !== undefined || h['x5u'] !== undefined) return 'JWT_KEY_IN_HEADER';
  const result: ParsedHeader = Object.freeze({ value: Object.freeze(h), alg, kid: kid ?? '' });
  if (HEADERS.size >= MAX_HEADERS) HEADERS.clear();
  HEADERS.set(segment, result);
  return result;
}

/**
 * Parses a compact JWT, or returns why it is refused.
 *
 * @example
 * ```ts
 * parseJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.'); // 'JWT_BAD_FORMAT'
 * ```
 */
export function parseJwt(token: string): ParsedJwt | AuthnReason {
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) return 'JWT_BAD_FORMAT';
  // StrSplit(..., SkipEmpty()) must still give three parts: no segment may be empty.
  if (dot1 === 0 || dot2 === dot1 + 1 || dot2 === token.length - 1) return 'JWT_BAD_FORMAT';

  const header = parseHeader(token.slice(0, dot1));
  if (typeof header === 'string') return header;
  const { value: h, alg, kid } = header;

  const payloadSegment = token.slice(dot1 + 1, dot2);
  const payloadBytes = decodeBase64Url(payloadSegment);
  if (payloadBytes === undefined) return 'JWT_BAD_BASE64';
  const payload = parseJsonObject(payloadBytes);
  if (!payload.ok) return payload.why === 'duplicate' ? 'JWT_DUPLICATE_MEMBER' : 'JWT_BAD_JSON';
  const claims = readRegisteredClaims(payload.value);
  if (claims === undefined) return 'JWT_CLAIM_TYPE';

  const signature = decodeBase64Url(token.slice(dot2 + 1));
  if (signature === undefined) return 'JWT_BAD_BASE64';
  return {
    token,
    alg,
    kid,
    header: h,
    payload: payload.value,
    payloadSegment,
    signingInput: token.slice(0, dot2),
    signature,
    claims,
  };
}
