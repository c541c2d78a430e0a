/**
 * The registered claims Envoy reads, with the type checks jwt_verify_lib makes while parsing
 * (`src/jwt.cc` parseFromString, StructUtils getters): `iss`, `sub`, `jti` are strings; `iat`,
 * `nbf`, `exp` are numbers in [0, 2^64), truncated; `aud` is a string or a list of strings. The
 * checks apply whether or not the rule uses the claim (`jti: 7` is refused even with no rule on
 * `jti`). `null` is the wrong type too: protobuf's Struct holds it as a null value, not as absent.
 */

/**
 * The claims a token's validation depends on. Absent numbers are 0, as in jwt_verify_lib.
 *
 * @example
 * ```ts
 * const c = readRegisteredClaims({ iss: 'https://idp', sub: 'alice', aud: 'orders', exp: 1700000000 });
 * // c !== undefined && c.audiences[0] === 'orders'
 * ```
 */
export interface RegisteredClaims {
  readonly iss: string | undefined;
  readonly sub: string | undefined;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly audiences: readonly string[];
  readonly azp: string | undefined;
}

/**
 * Clock skew Envoy applies (jwt_verify_lib `kClockSkewInSecond`; Istio never sets `clock_skew_seconds`).
 *
 * @example
 * ```ts
 * const lastAcceptedSecond = exp + CLOCK_SKEW_SECONDS;
 * ```
 */
export const CLOCK_SKEW_SECONDS = 60;

const TWO_POW_64 = 2 ** 64;

function optionalString(v: unknown): string | undefined | null {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : null;
}

function optionalTime(v: unknown): number | null {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v < TWO_POW_64)) return null;
  return Math.trunc(v);
}

/**
 * Reads and type-checks the registered claims; `undefined` when one has the wrong type
 * (answered `JWT_CLAIM_TYPE`).
 *
 * @example
 * ```ts
 * readRegisteredClaims({ jti: 7 });       // undefined
 * readRegisteredClaims({ exp: '170000' }); // undefined
 * ```
 */
export function readRegisteredClaims(payload: Readonly<Record<string, unknown>>): RegisteredClaims | undefined {
  const iss = optionalString(payload['iss']);
  const sub = optionalString(payload['sub']);
  const jti = optionalString(payload['jti']);
  if (iss === null || sub === null || jti === null) return undefined;
  const iat = optionalTime(payload['iat']);
  const nbf = optionalTime(payload['nbf']);
  const exp = optionalTime(payload['exp']);
  if (iat === null || nbf === null || exp === null) return undefined;
  const aud = payload['aud'];
  let audiences: readonly string[];
  if (aud === undefined) audiences = [];
  else if (typeof aud === 'string') audiences = [aud];
  else if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) audiences = aud as string[];
  else return undefined;
  // `azp` is not checked by Envoy; it is only read for request.auth.presenter.
  const azpRaw = payload['azp'];
  const azp = typeof azpRaw === 'string' ? azpRaw : undefined;
  return { iss, sub, iat, nbf, exp, audiences, azp };
}

/**
 * jwt_verify_lib `Jwt::verifyTimeConstraint`: refused when `now + skew < nbf`, or when `exp` is
 * set (non-zero) and `now > exp + skew`. `iat` is never compared with the clock and there is no
 * maximum lifetime. `nowSeconds` is whole seconds, as Envoy's `DateUtil::nowToSeconds`.
 *
 * @example
 * ```ts
 * checkTime({ ...claims, exp: 1000 }, 1060); // 'ok' (inside the 60 s skew)
 * checkTime({ ...claims, exp: 1000 }, 1061); // 'expired'
 * ```
 */
export function checkTime(claims: RegisteredClaims, nowSeconds: number): 'ok' | 'expired' | 'not-yet-valid' {
  if (nowSeconds + CLOCK_SKEW_SECONDS < claims.nbf) return 'not-yet-valid';
  if (claims.exp !== 0 && nowSeconds > claims.exp + CLOCK_SKEW_SECONDS) return 'expired';
  return 'ok';
}
