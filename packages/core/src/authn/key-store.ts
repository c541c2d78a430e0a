import { importJwk, type KeyFamily, type VerificationKey } from './jwk-import.js';
import { isObj } from '../manifest/issues.js';

/**
 * An immutable, imported key set: what one rule verifies with. A new `KeyStore` object is made
 * only when the keys change, so "same object" means "same keys" (the verified-token cache relies
 * on this to drop results obtained with keys that are gone).
 */

/**
 * Which key family verifies which JWT `alg`. The family is fixed by the key, never by the token,
 * so RS/HS confusion cannot happen: HMAC is only ever keyed by an `oct` JWK (jwt_verify_lib
 * `verify.cc`).
 *
 * @example
 * ```ts
 * familyForAlg('PS256'); // 'RSA'
 * familyForAlg('none');  // undefined
 * ```
 */
export function familyForAlg(alg: string): KeyFamily | undefined {
  switch (alg) {
    case 'RS256': case 'RS384': case 'RS512': case 'PS256': case 'PS384': case 'PS512':
      return 'RSA';
    case 'ES256': case 'ES384': case 'ES512':
      return 'EC';
    case 'HS256': case 'HS384': case 'HS512':
      return 'oct';
    case 'EdDSA':
      return 'OKP';
    default:
      return undefined;
  }
}

const CRV_FOR_ES: Readonly<Record<string, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/**
 * The keys to try for a token, in key-set order.
 *
 * @example
 * ```ts
 * const { matched, usable } = store.candidates('key-1', 'RS256');
 * ```
 */
export interface KeyCandidates {
  /** Some key passed the `kid`/`alg` filter (decides "no matching key" versus "verification fails"). */
  readonly matched: boolean;
  /** The keys whose family and curve can verify the token's `alg`. */
  readonly usable: readonly VerificationKey[];
}

/**
 * A loaded key set.
 *
 * @example
 * ```ts
 * const parsed = parseJwksText('{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ","alg":"HS256"}]}');
 * if ('store' in parsed) parsed.store.size; // 1
 * ```
 */
export class KeyStore {
  /** Usable keys, in key-set order. */
  readonly keys: readonly VerificationKey[];
  /** The JSON of the set's `keys` member as loaded, to recognise an unchanged set on refresh. */
  readonly fingerprint: string;

  private constructor(keys: readonly VerificationKey[], fingerprint: string) {
    this.keys = keys;
    this.fingerprint = fingerprint;
  }

  /** How many keys are usable. */
  get size(): number {
    return this.keys.length;
  }

  /**
   * Builds a store from a parsed JWKS document; invalid members are skipped.
   *
   * @example
   * ```ts
   * const r = KeyStore.fromJwks(await response.json());
   * if ('error' in r) throw new Error(r.error);
   * ```
   */
  static fromJwks(doc: unknown): { store: KeyStore } | { error: string } {
    // jwt_verify_lib jwks.cc: a set must be an object with a `keys` array (JwksNoKeys, JwksBadKeys).
    if (!isObj(doc)) return { error: 'a JSON Web Key Set must be a JSON object' };
    const keys = doc['keys'];
    if (!Array.isArray(keys)) return { error: 'a JSON Web Key Set must have a [keys] array' };
    const imported: VerificationKey[] = [];
    for (const jwk of keys) {
      const k = importJwk(jwk);
      if (k !== undefined) imported.push(k);
    }
    return { store: new KeyStore(Object.freeze(imported), JSON.stringify(keys)) };
  }

  /**
   * The keys to try for a token's `kid` and `alg`, by jwt_verify_lib's rules (`verify.cc`
   * verifyJwtWithoutTimeChecking): skip a key when both `kid`s are non-empty and differ, or when
   * the key binds another `alg`; every remaining key is tried in order. Keys of another family
   * (or, for ES*, another curve) are never tried.
   */
  candidates(kid: string, alg: string): KeyCandidates {
    const family = familyForAlg(alg);
    const crv = CRV_FOR_ES[alg] ?? '';
    let matched = false;
    const usable: VerificationKey[] = [];
    for (const k of this.keys) {
      if (kid !== '' && k.kid !== '' && k.kid !== kid) continue;
      if (k.alg !== '' && k.alg !== alg) continue;
      matched = true;
      if (k.family !== family) continue;
      if (family === 'EC' && k.crv !== crv) continue;
      usable.push(k);
    }
    return { matched, usable };
  }
}

/**
 * Parses an inline `jwks` string (a rule's `jwks` field).
 *
 * @example
 * ```ts
 * const r = parseJwksText(rule.jwks);
 * if ('error' in r) console.error(r.error);
 * ```
 */
export function parseJwksText(text: string): { store: KeyStore } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON (${(err as Error).message})` };
  }
  return KeyStore.fromJwks(doc);
}
