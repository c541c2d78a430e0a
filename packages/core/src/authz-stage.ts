import type { AllowedDecision, Decision, DeniedDecision } from './decision.js';
import type { RespondWith } from './identity-decision.js';
import { ACCESS_DENIED } from './policy/decision.js';
import { evaluatePolicies } from './policy/evaluate.js';
import type { AuthzRequest } from './policy/request.js';
import type { PolicySnapshot } from './policy/snapshot.js';
import type { Reading } from './request/readings.js';
import type { Refusal } from './request/refusal.js';

/**
 * Applies AuthorizationPolicy to a request whose identity stage allowed it. A matching CUSTOM rule
 * denies until an external authorizer is configured (fail closed): the decision still names the
 * providers that would have been asked.
 *
 * @example
 * ```ts
 * const decision = authorize(identity, snapshot, toAuthzRequest(req, conn, identity.peer, trusted, 0), respond);
 * ```
 */
export function authorize(identity: AllowedDecision, snapshot: PolicySnapshot, request: AuthzRequest, respond: RespondWith): Decision {
  const authz = evaluatePolicies(snapshot, request);
  // Written out rather than spread: this runs for every allowed request, and spreading a frozen
  // decision takes V8's slow copy (it was the largest single cost of a 10-rule policy).
  if (authz.allowed) {
    return {
      allowed: true, status: 200, code: 'OK', reason: identity.reason, peer: identity.peer, peerSource: identity.peerSource,
      xfccIgnored: identity.xfccIgnored, detail: identity.detail, auth: identity.auth, authz, response: undefined,
    };
  }
  const detail = authz.action === 'CUSTOM' ? `custom authorizer not configured: ${authz.custom.map((c) => c.provider).join(', ')}` : authz.id;
  return {
    ...identity,
    allowed: false as const,
    status: 403,
    code: 'ACCESS_DENIED',
    reason: ACCESS_DENIED,
    detail,
    authz,
    response: respond('ACCESS_DENIED', 403, ACCESS_DENIED),
  };
}

/**
 * Applies AuthorizationPolicy to every reading of a request (path spelling x method x host, see
 * `request/readings.ts`): the first denied reading decides; the request is allowed only when
 * every reading is (path-safety.md, design rule 6). The decision of an allowed request is that of
 * its first reading, the mesh's spelling.
 *
 * @example
 * ```ts
 * const readings = readRequest(req, context, base, policyView(snapshot), options.request, trustedHop);
 * return isRefusal(readings) ? refuse(identity, readings, respond) : authorizeReadings(identity, readings, respond);
 * ```
 */
export function authorizeReadings(identity: AllowedDecision, readings: readonly Reading[], respond: RespondWith): Decision {
  const [only] = readings;
  if (readings.length === 1 && only !== undefined && !only.denyOnly) return authorize(identity, only.snapshot, only.request, respond);
  let first: Reading | undefined;
  for (const reading of readings) {
    const authz = evaluatePolicies(reading.snapshot, reading.request);
    // A deny-only reading counts when a DENY or CUSTOM rule matched it, not for a missing ALLOW.
    if (!authz.allowed && (!reading.denyOnly || authz.action !== 'ALLOW')) return authorize(identity, reading.snapshot, reading.request, respond);
    if (!reading.denyOnly) first ??= reading;
  }
  return first === undefined ? identity : authorize(identity, first.snapshot, first.request, respond);
}

/**
 * The 400 answer to an ambiguous request; `detail` names the rule that refused it.
 *
 * @example
 * ```ts
 * refuse(identity, refusal('fragment'), respond).detail; // 'fragment'
 * ```
 */
export function refuse(identity: AllowedDecision, refused: Refusal, respond: RespondWith): DeniedDecision {
  return {
    ...identity,
    allowed: false as const,
    status: 400,
    code: refused.code,
    reason: refused.reason,
    detail: refused.rule,
    response: respond(refused.code, 400, refused.reason),
  };
}
