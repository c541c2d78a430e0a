import type { Decision, DecisionCode, DeniedDecision, DenialResponse } from './decision.js';
import type { ResolvedOptions } from './options.js';
import type { PeerResolution } from './peer/resolve-peer.js';

/** Prepares the answer for a refusal; built once per engine. */
export type RespondWith = (code: DecisionCode, status: number, reason: string) => DenialResponse;

function denied(resolution: PeerResolution, status: number, code: DecisionCode, reason: string, detail: string | undefined, respond: RespondWith): DeniedDecision {
  return Object.freeze({
    allowed: false as const, status, code, reason, peer: undefined, peerSource: resolution.source, xfccIgnored: resolution.xfccIgnored,
    detail, auth: undefined, authz: undefined, response: respond(code, status, reason),
  });
}

/**
 * The decision of the identity stage alone: refuse what failed verification, apply
 * `trustDomains` and `requirePeer`, else allow with the peer (or none). The result is frozen and
 * cached per connection and header value.
 *
 * @example
 * ```ts
 * const decision = identityDecision(resolvePeer(socket, facts, header, options, verified, Date.now()), options, respond);
 * ```
 */
export function identityDecision(resolution: PeerResolution, options: ResolvedOptions, respond: RespondWith): Decision {
  const { outcome } = resolution;
  if (!outcome.ok) return denied(resolution, outcome.status, outcome.code, outcome.reason, outcome.detail, respond);
  const peer = outcome.peer;
  if (peer !== undefined && options.trustDomains !== undefined && !options.trustDomains.has(peer.trustDomain)) {
    return denied(resolution, 401, 'UNTRUSTED_DOMAIN', 'peer trust domain is not accepted', peer.trustDomain, respond);
  }
  if (peer === undefined && options.requirePeer) {
    return denied(resolution, 401, 'PEER_REQUIRED', 'a verified peer identity is required', undefined, respond);
  }
  return Object.freeze({
    allowed: true as const, status: 200, code: 'OK' as const, reason: 'allowed', peer, peerSource: resolution.source,
    xfccIgnored: resolution.xfccIgnored, detail: undefined, auth: undefined, authz: undefined, response: undefined,
  });
}

/**
 * Internal failures deny (fail closed). The detail is for logs only.
 */
export function internalErrorDecision(err: unknown, respond: RespondWith): DeniedDecision {
  const reason = 'request could not be authenticated';
  return Object.freeze({
    allowed: false as const, status: 500, code: 'INTERNAL_ERROR' as const, reason, peer: undefined, peerSource: 'none', xfccIgnored: undefined,
    detail: err instanceof Error ? err.message : String(err), auth: undefined, authz: undefined, response: respond('INTERNAL_ERROR', 500, reason),
  });
}
