import { constants, createHmac, KeyObject, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, generateSecret, SignJWT, type JWK, type JWTPayload } from 'jose';

type SigningKey = Parameters<SignJWT['sign']>[0];

/** A signing key with its public JWK, minted with jose as an issuer would. */
export interface TestKey {
  readonly alg: string;
  readonly kid: string;
  readonly privateKey: SigningKey;
  /** The JWK to publish (public part, or the secret for HS*). */
  readonly jwk: JWK;
}

export async function makeKey(alg: string, kid: string, extra: Partial<JWK> = {}): Promise<TestKey> {
  if (alg.startsWith('HS')) {
    const secret = await generateSecret(alg, { extractable: true });
    const jwk = await exportJWK(secret);
    return { alg, kid, privateKey: secret, jwk: { ...jwk, kid, ...extra } };
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, kid, privateKey, jwk: { ...jwk, kid, ...extra } };
}

export function jwks(...keys: (TestKey | JWK)[]): { keys: JWK[] } {
  return { keys: keys.map((k) => ('jwk' in k ? (k.jwk as JWK) : k)) };
}

export interface MintOptions {
  readonly kid?: string | null;
  readonly header?: Record<string, unknown>;
}

/** Signs claims with a key; `kid: null` leaves the header without a kid. */
export async function mint(key: TestKey, claims: JWTPayload, options: MintOptions = {}): Promise<string> {
  const kid = options.kid === undefined ? key.kid : options.kid;
  const header = { alg: key.alg, ...(kid === null ? {} : { kid }), ...(options.header ?? {}) };
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

export const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

/** A token assembled by hand, for malformed and hostile inputs. */
export function rawToken(header: unknown, payload: unknown, signature = 'c2ln'): string {
  const h = typeof header === 'string' ? header : b64(JSON.stringify(header));
  const p = typeof payload === 'string' ? payload : b64(JSON.stringify(payload));
  return `${h}.${p}.${signature}`;
}

export const nowSec = (): number => Math.floor(Date.now() / 1000);

/** Signs an arbitrary header and payload with node:crypto, for tokens jose refuses to produce. */
export function signRaw(key: TestKey, header: unknown, payload: unknown): string {
  const input = `${typeof header === 'string' ? header : b64(JSON.stringify(header))}.${typeof payload === 'string' ? payload : b64(JSON.stringify(payload))}`;
  const hash = `sha${key.alg.slice(2)}`;
  let sig: Buffer;
  if (key.alg.startsWith('HS')) {
    sig = createHmac(hash, Buffer.from(key.jwk.k as string, 'base64url')).update(input).digest();
  } else {
    const ko = KeyObject.from(key.privateKey as Parameters<typeof KeyObject.from>[0]);
    if (key.alg.startsWith('ES')) sig = sign(hash, Buffer.from(input), { key: ko, dsaEncoding: 'ieee-p1363' });
    else if (key.alg === 'EdDSA') sig = sign(null, Buffer.from(input), ko);
    else if (key.alg.startsWith('PS')) sig = sign(hash, Buffer.from(input), { key: ko, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    else sig = sign(hash, Buffer.from(input), ko);
  }
  return `${input}.${sig.toString('base64url')}`;
}

/** Asserts a result is synchronous and returns it. */
export function sync<T>(r: T | Promise<T>): T {
  if (r instanceof Promise) throw new Error('expected a synchronous result');
  return r;
}

export function bearer(token: string, extra: Record<string, string> = {}, url = '/api'): { method: string; url: string; headers: Record<string, string> } {
  return { method: 'GET', url, headers: { host: 'svc.ns', authorization: `Bearer ${token}`, ...extra } };
}
