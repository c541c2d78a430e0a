import type { PeerIdentity, PeerSource } from './peer/peer-identity.js';
import type { AuthnReason } from './authn/reasons.js';
import type { VerifiedJwt } from './authn/result.js';
import type { AuthzDecision } from './policy/decision.js';

/**
 * Short, stable reason codes. They are sent to the caller in the JSON error body, so they name
 * what was wrong with the request and never which policy or key decided it.
 */
export type DecisionCode =
  | 'OK'
  /** `requirePeer` is set and the request carried no verified peer identity. */
  | 'PEER_REQUIRED'
  /** A trusted hop sent an `X-Forwarded-Client-Cert` header that does not parse. */
  | 'XFCC_MALFORMED'
  /** `xfcc.requireSingleElement` is set and the header has more than one element. */
  | 'XFCC_ELEMENT_COUNT'
  /** `xfcc.expectBy` is set and the nearest proxy's element does not name this workload in `By`. */
  | 'XFCC_BY_MISMATCH'
  /** The nearest proxy's element has no `URI`, or more than one. */
  | 'XFCC_URI_COUNT'
  /** The element's `URI` is not a SPIFFE ID that can identify a workload. */
  | 'XFCC_INVALID_ID'
  /** The element's `Cert` does not hash to its `Hash`. */
  | 'XFCC_HASH_MISMATCH'
  /** The identity's trust domain is not one this workload accepts. */
  | 'UNTRUSTED_DOMAIN'
  /** A JWT was present and refused (RequestAuthentication); the code says why, e.g. `JWT_EXPIRED`. */
  | AuthnReason
  /** An AuthorizationPolicy denied the request (DENY matched, no ALLOW matched, or a CUSTOM rule matched). */
  | 'ACCESS_DENIED'
  /** The TLS client certificate is not a valid X.509-SVID for a trusted trust domain. */
  | 'SVID_INVALID'
  /**
   * The request-target can be read as more than one path by the router and the policies (a
   * fragment, an encoded `/`, a dot segment, ...): refused with 400, `detail` names the rule.
   */
  | 'AMBIGUOUS_PATH'
  /** The Host header, or the absolute-form authority, is duplicated, malformed or contradictory (400). */
  | 'AMBIGUOUS_HOST'
  /** A method-override header asks for a method that cannot be evaluated, or is refused by option (400). */
  | 'AMBIGUOUS_METHOD'
  /** Something failed inside meshauth; the request is refused rather than let through. */
  | 'INTERNAL_ERROR';

/** Why a forwarded client-certificate header was not used. */
export type XfccIgnoredReason = 'untrusted-hop' | 'tls-peer' | 'mode-tls';

/**
 * The outcome of one request: what was decided, why, and about whom. The adapters turn it into
 * the response (or `next()`), and it is on the request for handlers and decision logs.
 *
 * @example
 * ```ts
 * const decision = engine.decide(req);
 * if (!decision.allowed) {
 *   res.writeHead(decision.status, { 'content-type': 'application/json' });
 *   res.end(JSON.stringify({ error: decision.reason, code: decision.code }));
 * }
 * ```
 */
export type Decision = AllowedDecision | DeniedDecision;

/** A request that may proceed: the handler runs with `peer` as the caller. */
export interface AllowedDecision extends DecisionFacts {
  readonly allowed: true;
  readonly code: 'OK';
  readonly response: undefined;
}

/** A refused request, with exactly what to answer. */
export interface DeniedDecision extends DecisionFacts {
  readonly allowed: false;
  readonly response: DenialResponse;
}

/** What every decision says, allowed or not. */
export interface DecisionFacts {
  readonly allowed: boolean;
  /** 200 when allowed; otherwise the HTTP status to answer with. */
  readonly status: number;
  readonly code: DecisionCode;
  /** One sentence for the caller; never names a policy, key or internal detail. */
  readonly reason: string;
  /** The verified caller, when there is one (also set on some denials, e.g. an untrusted domain is not set). */
  readonly peer: PeerIdentity | undefined;
  /** Where the identity was looked for and found: `tls`, `xfcc`, or `none`. */
  readonly peerSource: PeerSource | 'none';
  /** Set when an `X-Forwarded-Client-Cert` header was present but not believed. */
  readonly xfccIgnored: XfccIgnoredReason | undefined;
  /** A finer reason for logs, e.g. the SVID rule that failed (`uri-san-count`). Not sent to the caller. */
  readonly detail: string | undefined;
  /** The verified JWT, when the request carried one that a RequestAuthentication rule accepted. */
  readonly auth: VerifiedJwt | undefined;
  /** The AuthorizationPolicy decision, when policies are configured and identity checks passed. */
  readonly authz: AuthzDecision | undefined;
  /** For a denial: exactly what to answer. Adapters write it as is. */
  readonly response: DenialResponse | undefined;
}

/**
 * A denial's answer, prepared once per reason code when the engine is built so that refusing a
 * request serializes nothing.
 */
export interface DenialResponse {
  readonly status: number;
  /** Always includes `content-type`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

