import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { XfccIgnoredReason } from '../decision.js';
import type { ResolvedOptions } from '../options.js';
import type { PeerSource } from './peer-identity.js';
import { NO_PEER, type PeerOutcome } from './peer-outcome.js';
import { tlsPeerIdentity, type TlsPeerResult, type VerifiedChains } from './tls-peer.js';
import { xfccPeerIdentity } from './xfcc-peer.js';

/** Facts about one connection that do not change between its requests. */
export interface ConnectionFacts {
  readonly trustedHop: boolean;
  readonly encrypted: boolean;
  /** The TLS client certificate's outcome, read on first use and kept for the connection. */
  tls: TlsPeerResult | undefined;
}

/** Where the identity of one request came from, and what was passed over. */
export interface PeerResolution {
  readonly outcome: PeerOutcome;
  readonly source: PeerSource | 'none';
  readonly xfccIgnored: XfccIgnoredReason | undefined;
  /** Until when this resolution holds for the same connection and header (the TLS chain's expiry). */
  readonly validUntil: number;
}

export function connectionFacts(socket: Socket, options: ResolvedOptions): ConnectionFacts {
  return {
    trustedHop: options.isTrustedHop(socket.remoteAddress),
    encrypted: (socket as Partial<TLSSocket>).encrypted === true,
    tls: undefined,
  };
}

/**
 * Picks the identity source for one request, as DESIGN.md's three deployment shapes require:
 * the TLS client certificate when Node terminated mTLS; else `X-Forwarded-Client-Cert`, but
 * only from a trusted hop; else none.
 *
 * @example
 * ```ts
 * const resolution = resolvePeer(req.socket, facts, req.headers['x-forwarded-client-cert'], options, new Map(), Date.now());
 * ```
 */
export function resolvePeer(
  socket: Socket,
  facts: ConnectionFacts,
  xfcc: string | undefined,
  options: ResolvedOptions,
  verified: VerifiedChains,
  now: number,
): PeerResolution {
  if (facts.encrypted && options.mode !== 'xfcc') {
    if (facts.tls === undefined || now > facts.tls.recheckAfter) {
      facts.tls = tlsPeerIdentity(socket as TLSSocket, options.bundles, verified, now);
    }
    const { outcome, recheckAfter } = facts.tls;
    if (outcome !== NO_PEER) {
      return { outcome, source: 'tls', xfccIgnored: xfcc === undefined ? undefined : options.mode === 'tls' ? 'mode-tls' : 'tls-peer', validUntil: recheckAfter };
    }
  }
  if (xfcc === undefined) return { outcome: NO_PEER, source: 'none', xfccIgnored: undefined, validUntil: Infinity };
  if (options.mode === 'tls') return { outcome: NO_PEER, source: 'none', xfccIgnored: 'mode-tls', validUntil: Infinity };
  if (!facts.trustedHop) return { outcome: NO_PEER, source: 'none', xfccIgnored: 'untrusted-hop', validUntil: Infinity };
  const outcome = xfccPeerIdentity(xfcc, options.xfcc);
  return { outcome, source: outcome === NO_PEER ? 'none' : 'xfcc', xfccIgnored: undefined, validUntil: Infinity };
}
