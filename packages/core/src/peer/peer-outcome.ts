import type { DecisionCode } from '../decision.js';
import type { PeerIdentity } from './peer-identity.js';

/** What looking for a peer identity in one place gave: an identity, nothing, or a reason to refuse. */
export type PeerOutcome =
  | { readonly ok: true; readonly peer: PeerIdentity | undefined }
  | { readonly ok: false; readonly status: 400 | 401; readonly code: DecisionCode; readonly reason: string; readonly detail: string | undefined };

/** The one "nothing found" outcome, shared so the common path allocates nothing. */
export const NO_PEER: PeerOutcome = Object.freeze({ ok: true, peer: undefined });

export function peerFound(peer: PeerIdentity): PeerOutcome {
  return { ok: true, peer };
}

export function peerRefused(status: 400 | 401, code: DecisionCode, reason: string, detail?: string): PeerOutcome {
  return { ok: false, status, code, reason, detail };
}
