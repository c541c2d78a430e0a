import type { VerificationKey } from './jwk-import.js';
import type { ParsedJwt } from './jwt-parse.js';
import type { KeyStore } from './key-store.js';
import type { AuthnReason } from './reasons.js';
import { verifySignature } from './verify-signature.js';

/**
 * The signature step for one token against one rule's key set (jwt_verify_lib `verify.cc`
 * verifyJwtWithoutTimeChecking): every candidate key is tried in key-set order until one verifies,
 * so a token without `kid` checked against several keys passes if any of them signed it (jose, by
 * contrast, throws `JWKSMultipleMatchingKeys`).
 */

/**
 * The key that verified the token, or why none did.
 *
 * @example
 * ```ts
 * const r: KeyVerification = verifyWithKeys(parsed, store);
 * if (!r.ok) console.log(r.reason); // 'JWKS_NO_MATCHING_KEY' | 'JWT_SIGNATURE_INVALID' | 'JWKS_NO_VALID_KEYS'
 * ```
 */
export type KeyVerification = { readonly ok: true; readonly key: VerificationKey } | { readonly ok: false; readonly reason: AuthnReason };

/**
 * Verifies a parsed token's signature with the keys of a store.
 *
 * @example
 * ```ts
 * const r = verifyWithKeys(parsed, store);
 * if (r.ok) console.log('signed by', r.key.kid);
 * ```
 */
export function verifyWithKeys(parsed: ParsedJwt, store: KeyStore): KeyVerification {
  if (store.size === 0) return { ok: false, reason: 'JWKS_NO_VALID_KEYS' };
  const { matched, usable } = store.candidates(parsed.kid, parsed.alg);
  if (!matched) return { ok: false, reason: 'JWKS_NO_MATCHING_KEY' };
  for (const key of usable) {
    const r = verifySignature(key, parsed.alg, parsed.signingInput, parsed.signature);
    if (r === true) return { ok: true, key };
    if (r === 'bad-length') break;
  }
  return { ok: false, reason: 'JWT_SIGNATURE_INVALID' };
}
