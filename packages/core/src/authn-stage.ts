import type { AllowedDecision, Decision, DeniedDecision } from './decision.js';
import { applyAuthnMutations } from './authn/apply-mutations.js';
import type { AuthnResult } from './authn/result.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Folds a RequestAuthentication result into the decision. A refused token answers as Envoy's
 * jwt_authn does (401 with a `WWW-Authenticate: Bearer` challenge, 403 for a wrong audience), with
 * the reason as the code. A verified token's header changes (`forwardOriginalToken: false`,
 * `outputPayloadToHeader`, `outputClaimToHeaders`, and stripping client copies of those headers)
 * are applied to the request before anything else reads it, as jwt_authn runs before RBAC.
 *
 * @example
 * ```ts
 * const after = withAuthn(identity, authenticator.authenticate(req), req);
 * ```
 */
export function withAuthn(identity: AllowedDecision, result: AuthnResult, request: { headers: Record<string, unknown>; url?: string | undefined }): Decision {
  if (!result.ok) {
    const denied: DeniedDecision = {
      ...identity,
      allowed: false,
      status: result.status,
      code: result.reason,
      reason: result.message,
      detail: result.reason,
      response: {
        status: result.status,
        headers: { 'content-type': JSON_TYPE, 'www-authenticate': result.headers['www-authenticate'] },
        body: JSON.stringify({ error: result.message, code: result.reason }),
      },
    };
    return denied;
  }
  applyAuthnMutations(request, result.mutations);
  if (result.auth === undefined) return identity;
  // Written out rather than spread: this runs for every request that carries a token.
  return {
    allowed: true, status: 200, code: 'OK', reason: identity.reason, peer: identity.peer, peerSource: identity.peerSource,
    xfccIgnored: identity.xfccIgnored, detail: undefined, auth: result.auth, authz: undefined, response: undefined,
  };
}
