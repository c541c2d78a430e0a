import { constants, createHmac, timingSafeEqual, verify } from 'node:crypto';
import type { VerificationKey } from './jwk-import.js';

/**
 * One signature check with `node:crypto`, synchronously, on a `KeyObject` imported once. This is
 * the cost floor: jose's `jwtVerify` goes through WebCrypto (async, a key import per algorithm,
 * promise hops) and measured 2.9-4.3x slower for the same work.
 *
 * Methods follow jwt_verify_lib `verify.cc`: the key's family picks the method and the JWT `alg`
 * picks the hash; PSS uses MGF1 with the same hash and a salt as long as the digest (RFC 7518
 * §3.5); ECDSA signatures are raw `r‖s` of exactly twice the field size (RFC 7518 §3.4), and an
 * all-zero `r` or `s` is refused before OpenSSL sees it (the "psychic signature" class,
 * CVE-2022-21449); Ed25519 signatures are exactly 64 bytes; HMAC compares in constant time.
 */

const HASH: Readonly<Record<string, string>> = {
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512',
  PS256: 'sha256', PS384: 'sha384', PS512: 'sha512',
  ES256: 'sha256', ES384: 'sha384', ES512: 'sha512',
  HS256: 'sha256', HS384: 'sha384', HS512: 'sha512',
};

/** Bytes of `r` (and of `s`) per curve: P-521 coordinates take 66 bytes. */
const EC_HALF: Readonly<Record<string, number>> = { ES256: 32, ES384: 48, ES512: 66 };

function allZero(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * The result of one check: `true`, `false`, or `'bad-length'` for an Ed25519 signature that is
 * not 64 bytes (jwt_verify_lib stops there with `JwtEd25519SignatureWrongLength` instead of
 * trying the next key).
 *
 * @example
 * ```ts
 * const r: SignatureCheck = verifySignature(key, 'EdDSA', input, sig);
 * ```
 */
export type SignatureCheck = boolean | 'bad-length';

/**
 * Checks `signature` over `signingInput` (`header.payload`, ASCII) with one key for one `alg`.
 * The caller has already matched the key's family and curve to the `alg`.
 *
 * @example
 * ```ts
 * const ok = verifySignature(key, parsed.alg, parsed.signingInput, parsed.signature) === true;
 * ```
 */
export function verifySignature(key: VerificationKey, alg: string, signingInput: string, signature: Buffer): SignatureCheck {
  const data = Buffer.from(signingInput, 'latin1');
  try {
    switch (key.family) {
      case 'RSA': {
        const hash = HASH[alg];
        if (hash === undefined) return false;
        if (alg.startsWith('PS')) {
          return verify(hash, data, { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
        }
        return verify(hash, data, key.key, signature);
      }
      case 'EC': {
        const half = EC_HALF[alg];
        const hash = HASH[alg];
        if (half === undefined || hash === undefined || signature.length !== 2 * half) return false;
        if (allZero(signature, 0, half) || allZero(signature, half, 2 * half)) return false;
        return verify(hash, data, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
      }
      case 'OKP':
        if (signature.length !== 64) return 'bad-length';
        return verify(null, data, key.key, signature);
      case 'oct': {
        const hash = HASH[alg];
        if (hash === undefined) return false;
        const mac = createHmac(hash, key.key).update(data).digest();
        return mac.length === signature.length && timingSafeEqual(mac, signature);
      }
    }
  } catch {
    // OpenSSL throws on some malformed inputs (e.g. an RSA signature longer than the modulus).
    return false;
  }
}
