import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Signing algorithms the test issuer can use. */
export type TestJwtAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/** One published signing key. */
interface IssuerKey {
  readonly kid: string;
  readonly alg: TestJwtAlg;
  readonly privateKey: KeyObject;
  readonly jwk: Readonly<Record<string, unknown>>;
}

/**
 * A JWT issuer on 127.0.0.1 for tests: publishes its keys at `jwksUri` (and OpenID discovery),
 * signs tokens, rotates keys, and can be made slow or unavailable to test key-set outages.
 */
export interface TestJwtIssuer {
  /** The `iss` value: the server's origin, e.g. `http://127.0.0.1:40123`. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** How many times the key set was fetched. */
  readonly fetches: number;
  /** Signs `claims` with the current key; `iss`, `iat` and `exp` (one hour) are added unless given. */
  sign(claims?: Record<string, unknown>, options?: { header?: Record<string, unknown>; kid?: string | null }): string;
  /** Adds a new current key; with `retireOld` the previous keys are no longer published. */
  rotate(options?: { retireOld?: boolean }): void;
  /** Answers the key set with this HTTP status (`undefined` restores 200), e.g. 503 for an outage. */
  failWith(status: number | undefined): void;
  /** Delays every answer, e.g. beyond the rule's `timeout`. */
  delay(ms: number): void;
  close(): Promise<void>;
}

function newKey(alg: TestJwtAlg): IssuerKey {
  const kid = randomBytes(6).toString('hex');
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, privateKey: pair.privateKey, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function signature(key: IssuerKey, input: string): Buffer {
  const data = Buffer.from(input);
  switch (key.alg) {
    case 'ES256':
      return sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, key.privateKey);
    case 'PS256':
      return sign('sha256', data, { key: key.privateKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 });
    case 'RS256':
      return sign('sha256', data, key.privateKey);
  }
}

/**
 * Starts a JWT issuer on an ephemeral loopback port. Use its `issuer` and `jwksUri` in a
 * RequestAuthentication and its `sign()` to mint tokens.
 *
 * @example
 * ```ts
 * const idp = await startJwtIssuer();
 * const policies = [{ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'jwt', namespace: 'shop' },
 *   spec: { jwtRules: [{ issuer: idp.issuer, jwksUri: idp.jwksUri }] } }];
 * app.use(meshAuth({ policies, workload: { namespace: 'shop' } }));
 * await request(app).get('/').set('authorization', `Bearer ${idp.sign({ sub: 'alice' })}`);
 * await idp.close();
 * ```
 */
export async function startJwtIssuer(options: { alg?: TestJwtAlg } = {}): Promise<TestJwtIssuer> {
  const alg = options.alg ?? 'ES256';
  let keys: IssuerKey[] = [newKey(alg)];
  let failStatus: number | undefined;
  let delayMs = 0;
  let fetches = 0;
  const server = createServer((req, res) => {
    const answer = (): void => {
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      } else if (req.url === '/jwks') {
        fetches++;
        if (failStatus !== undefined) res.writeHead(failStatus).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
      } else res.writeHead(404).end();
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    get fetches() {
      return fetches;
    },
    sign(claims = {}, signOptions = {}) {
      const key = keys[keys.length - 1] as IssuerKey;
      const now = Math.floor(Date.now() / 1000);
      const kid = signOptions.kid === undefined ? key.kid : signOptions.kid;
      const header = { alg: key.alg, typ: 'JWT', ...(kid === null ? {} : { kid }), ...signOptions.header };
      const input = `${b64url(header)}.${b64url({ iss: issuer, iat: now, exp: now + 3600, ...claims })}`;
      return `${input}.${signature(key, input).toString('base64url')}`;
    },
    rotate(rotateOptions = {}) {
      keys = rotateOptions.retireOld ? [newKey(alg)] : [...keys, newKey(alg)];
    },
    failWith(status) {
      failStatus = status;
    },
    delay(ms) {
      delayMs = ms;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * An HS256 token signed with a shared secret, for RequestAuthentication rules with an inline
 * `oct` key (`jwks: '{"keys":[{"kty":"oct","k":"..."}]}'`).
 *
 * @example
 * ```ts
 * const secret = randomBytes(32);
 * const token = signHs256({ iss: 'https://issuer.test', sub: 'svc' }, secret);
 * ```
 */
export function signHs256(claims: Record<string, unknown>, secret: Buffer, kid?: string): string {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', ...(kid === undefined ? {} : { kid }) })}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
