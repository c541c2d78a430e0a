import type { AllowedDecision, Decision } from './decision.js';
import type { RespondWith } from './identity-decision.js';
import { ACCESS_DENIED } from './policy/decision.js';
import { evaluatePolicies } from './policy/evaluate.js';
import type { AuthzRequest } from './policy/request.js';
import type { PolicySnapshot } from './policy/snapshot.js';

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
  if (authz.allowed) return { ...identity, authz };
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
