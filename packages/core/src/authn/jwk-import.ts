import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { isObj } from '../manifest/issues.js';

/**
 * One JWK turned into a `KeyObject` once, when the key set is loaded, so that verification is a
 * single synchronous `crypto.verify`. Node's own JWK import is used rather than jose's `importJWK`:
 * jose 6 imports through WebCrypto, whose keys are bound to one algorithm and only usable
 * asynchronously, while Envoy lets one RSA key verify RS256 and PS512 alike.
 *
 * Which JWKs are usable: Envoy skips invalid keys of a set silently (jwt_verify_lib `jwks.cc`); on
 * top of that, jose's rules for a verification key apply (`jwks/local.ts` isUsableJWK and
 * `key/import.ts`): `use` must be `sig` when present, `key_ops` must include `verify`, private
 * keys (`d`) are not keys to verify with, RSA moduli are at least 2048 bits (jose
 * `check_key_length`), and an EC key's `alg` must name its curve's algorithm (RFC 7518 §3.4).
 */

/**
 * The key type a JWK has, which fixes the algorithms it can verify (jwt_verify_lib `verify.cc`:
 * RSA verifies RS and PS, EC verifies ES, oct verifies HS, OKP Ed25519 verifies EdDSA).
 *
 * @example
 * ```ts
 * const family: KeyFamily = 'EC';
 * ```
 */
export type KeyFamily = 'RSA' | 'EC' | 'oct' | 'OKP';

/**
 * A key ready for `crypto.verify` (or HMAC, for `oct`).
 *
 * @example
 * ```ts
 * const k = importJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'a' });
 * // k?.family === 'OKP', k?.kid === 'a', k?.alg === ''
 * ```
 */
export interface VerificationKey {
  /** `kid`, or `''` when the JWK has none (such a key matches every token `kid`). */
  readonly kid: string;
  /** `alg`, or `''` when the JWK does not bind one. */
  readonly alg: string;
  readonly family: KeyFamily;
  /** `P-256`, `P-384`, `P-521` or `Ed25519`; `''` for RSA and oct. */
  readonly crv: string;
  readonly key: KeyObject;
}

const RSA_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
const HMAC_ALGS = new Set(['HS256', 'HS384', 'HS512']);
const EC_ALG_BY_CRV: Readonly<Record<string, string>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const MIN_RSA_BITS = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function usable(jwk: Record<string, unknown>): boolean {
  if (jwk['d'] !== undefined) return false;
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return false;
  const ops = jwk['key_ops'];
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) return false;
  if (jwk['kid'] !== undefined && typeof jwk['kid'] !== 'string') return false;
  if (jwk['alg'] !== undefined && typeof jwk['alg'] !== 'string') return false;
  return true;
}

function importRsa(jwk: Record<string, unknown>, alg: string): KeyObject | undefined {
  const n = str(jwk['n']);
  const e = str(jwk['e']);
  if (n === undefined || e === undefined || (alg !== '' && !RSA_ALGS.has(alg))) return undefined;
  const key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return bits >= MIN_RSA_BITS ? key : undefined;
}

function importEc(jwk: Record<string, unknown>, alg: string, crv: string): KeyObject | undefined {
  const x = str(jwk['x']);
  const y = str(jwk['y']);
  const expected = EC_ALG_BY_CRV[crv];
  if (x === undefined || y === undefined || expected === undefined || (alg !== '' && alg !== expected)) return undefined;
  return createPublicKey({ key: { kty: 'EC', crv, x, y }, format: 'jwk' });
}

function importOkp(jwk: Record<string, unknown>, alg: string, crv: string): KeyObject | undefined {
  const x = str(jwk['x']);
  // jwt_verify_lib implements Ed25519 only (verify.cc: `kty_ == "OKP" && crv_ == "Ed25519"`).
  if (x === undefined || crv !== 'Ed25519' || (alg !== '' && alg !== 'EdDSA')) return undefined;
  return createPublicKey({ key: { kty: 'OKP', crv, x }, format: 'jwk' });
}

function importOct(jwk: Record<string, unknown>, alg: string): KeyObject | undefined {
  const k = str(jwk['k']);
  if (k === undefined || !BASE64URL.test(k) || (alg !== '' && !HMAC_ALGS.has(alg))) return undefined;
  const secret = Buffer.from(k, 'base64url');
  return secret.length > 0 ? createSecretKey(secret) : undefined;
}

/**
 * Imports one JWK of a set, or returns `undefined` when it is not a usable verification key.
 * Never throws: a bad member of a set is skipped, as Envoy skips it.
 *
 * @example
 * ```ts
 * const keys = jwks.keys.map(importJwk).filter((k) => k !== undefined);
 * ```
 */
export function importJwk(jwk: unknown): VerificationKey | undefined {
  if (!isObj(jwk) || !usable(jwk)) return undefined;
  const kty = jwk['kty'];
  const alg = str(jwk['alg']) ?? '';
  const kid = str(jwk['kid']) ?? '';
  const crv = str(jwk['crv']) ?? '';
  try {
    switch (kty) {
      case 'RSA': {
        const key = importRsa(jwk, alg);
        return key && { kid, alg, family: 'RSA', crv: '', key };
      }
      case 'EC': {
        const key = importEc(jwk, alg, crv);
        return key && { kid, alg, family: 'EC', crv, key };
      }
      case 'OKP': {
        const key = importOkp(jwk, alg, crv);
        return key && { kid, alg, family: 'OKP', crv, key };
      }
      case 'oct': {
        const key = importOct(jwk, alg);
        return key && { kid, alg, family: 'oct', crv: '', key };
      }
      default:
        return undefined;
    }
  } catch {
    // Node refuses malformed coordinates, points off the curve, bad moduli: skip the key.
    return undefined;
  }
}
