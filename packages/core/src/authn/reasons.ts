/**
 * Why a token was refused, as a short stable code, with the body Envoy's jwt_authn would answer
 * (google/jwt_verify_lib `src/status.cc` getStatusString; envoy `jwt_authn/filter.cc` sends it as
 * the local reply). Codes are safe to log and to use as metric labels (bounded set); the messages
 * never contain token content.
 */

/**
 * A stable reason code for a refused token.
 *
 * @example
 * ```ts
 * const r = authenticator.authenticate(req);
 * if (!(r instanceof Promise) && !r.ok && r.reason === 'JWT_EXPIRED') metrics.expired.inc();
 * ```
 */
export type AuthnReason =
  /** Larger than `maxTokenBytes`; refused before any parsing or crypto work. */
  | 'JWT_TOO_LARGE'
  /** Not three non-empty dot-separated segments (jvl `JwtBadFormat`). */
  | 'JWT_BAD_FORMAT'
  /** A segment is not strict base64url (jvl `Jwt*ParseErrorBadBase64`). */
  | 'JWT_BAD_BASE64'
  /** The header or payload is not a JSON object (jvl `Jwt*ParseErrorBadJson`). */
  | 'JWT_BAD_JSON'
  /** The header or payload repeats a member name (RFC 7515 §4, RFC 7519 §4: must be rejected or take the last; we reject). */
  | 'JWT_DUPLICATE_MEMBER'
  /** `alg` is missing, not a string, or not one jvl implements (`none` included). */
  | 'JWT_ALG_UNSUPPORTED'
  /** `kid` is present but not a string (jvl `JwtHeaderBadKid`). */
  | 'JWT_BAD_KID'
  /** The header has `crit` (RFC 7515 §4.1.11: unknown extensions must be refused; jose does, Envoy ignores). */
  | 'JWT_CRIT_UNSUPPORTED'
  /** The header names a key (`jwk`, `jku`, `x5u`): keys only ever come from the rule's key set. */
  | 'JWT_KEY_IN_HEADER'
  /** A registered claim has the wrong JSON type (jvl `JwtPayloadParseError*`). */
  | 'JWT_CLAIM_TYPE'
  /** No rule reading this token's location has its `iss` (jvl `JwtUnknownIssuer`). */
  | 'JWT_UNKNOWN_ISSUER'
  | 'JWT_EXPIRED'
  | 'JWT_NOT_YET_VALID'
  /** No configured audience matches (jvl `JwtAudienceNotAllowed`); answered 403. */
  | 'JWT_AUDIENCE_NOT_ALLOWED'
  /** No key of the set matches the token's `kid`/`alg` (jvl `JwksKidAlgMismatch`). */
  | 'JWKS_NO_MATCHING_KEY'
  /** The rule's key set has no usable key (jvl `JwksNoValidKeys`). */
  | 'JWKS_NO_VALID_KEYS'
  /** The remote key set could not be fetched and no usable copy is held (jvl `JwksFetchFail`). */
  | 'JWKS_FETCH_FAILED'
  /** Every candidate key was tried and none verified the signature (jvl `JwtVerificationFail`). */
  | 'JWT_SIGNATURE_INVALID';

/** The body Envoy answers for each reason (jwt_verify_lib status strings; ours where Envoy has none). */
const MESSAGES: Readonly<Record<AuthnReason, string>> = {
  JWT_TOO_LARGE: 'Jwt exceeds the maximum token size',
  JWT_BAD_FORMAT: 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections',
  JWT_BAD_BASE64: 'Jwt is an invalid Base64url encoded',
  JWT_BAD_JSON: 'Jwt header or payload is an invalid JSON',
  JWT_DUPLICATE_MEMBER: 'Jwt header or payload has a duplicate member name',
  JWT_ALG_UNSUPPORTED: 'Jwt header [alg] is not supported',
  JWT_BAD_KID: 'Jwt header [kid] field is not a string',
  JWT_CRIT_UNSUPPORTED: 'Jwt header [crit] lists an unsupported extension',
  JWT_KEY_IN_HEADER: 'Jwt header must not carry [jwk], [jku] or [x5u]',
  JWT_CLAIM_TYPE: 'Jwt payload has a claim of the wrong type',
  JWT_UNKNOWN_ISSUER: 'Jwt issuer is not configured',
  JWT_EXPIRED: 'Jwt is expired',
  JWT_NOT_YET_VALID: 'Jwt not yet valid',
  JWT_AUDIENCE_NOT_ALLOWED: 'Audiences in Jwt are not allowed',
  JWKS_NO_MATCHING_KEY: "Jwks doesn't have key to match kid or alg from Jwt",
  JWKS_NO_VALID_KEYS: "Jwks doesn't have any valid public key",
  JWKS_FETCH_FAILED: 'Jwks remote fetch is failed',
  JWT_SIGNATURE_INVALID: 'Jwt verification fails',
};

/**
 * The text Envoy sends as the body of the local reply for a reason.
 *
 * @example
 * ```ts
 * reasonMessage('JWT_EXPIRED'); // 'Jwt is expired'
 * ```
 */
export function reasonMessage(reason: AuthnReason): string {
  return MESSAGES[reason];
}

/**
 * The HTTP status for a reason: 403 for an audience mismatch, 401 for everything else
 * (envoy `jwt_authn/filter.cc` onComplete: `JwtAudienceNotAllowed ? Forbidden : Unauthorized`).
 *
 * @example
 * ```ts
 * reasonStatus('JWT_AUDIENCE_NOT_ALLOWED'); // 403
 * ```
 */
export function reasonStatus(reason: AuthnReason): 401 | 403 {
  return reason === 'JWT_AUDIENCE_NOT_ALLOWED' ? 403 : 401;
}
