import { createHash, X509Certificate } from 'node:crypto';
import { SpiffeId } from '../spiffe/spiffe-id.js';
import { SpiffeIdError } from '../spiffe/spiffe-id-error.js';
import { PeerIdentity } from './peer-identity.js';
import { NO_PEER, peerFound, peerRefused, type PeerOutcome } from './peer-outcome.js';
import { parseXfcc, XfccError } from './xfcc-parse.js';

/** How much of a trusted `X-Forwarded-Client-Cert` header to believe, fixed at construction. */
export interface XfccTrust {
  /** This workload's own SPIFFE ID: the nearest element's `By` must contain it. */
  readonly expectBy: string | undefined;
  /** The proxy rewrites the header (SANITIZE_SET): more than one element means it was forged. */
  readonly requireSingleElement: boolean;
}

/**
 * Turns a header from a trusted hop into the caller's identity, following
 * identity-and-xfcc.md 1.5: only the last element (the one the nearest proxy appended) describes
 * the caller; it must carry exactly one `URI`, a SPIFFE ID with a workload path; never a fallback
 * to `DNS` or `Subject`; when both `Cert` and `Hash` are present they must agree.
 *
 * @example
 * ```ts
 * const outcome = xfccPeerIdentity(req.headers['x-forwarded-client-cert'], { expectBy: undefined, requireSingleElement: false });
 * ```
 */
export function xfccPeerIdentity(header: string, trust: XfccTrust): PeerOutcome {
  let elements;
  try {
    elements = parseXfcc(header);
  } catch (err) {
    if (err instanceof XfccError) return peerRefused(400, 'XFCC_MALFORMED', 'x-forwarded-client-cert header is malformed', err.reason);
    throw err;
  }
  const last = elements[elements.length - 1];
  if (last === undefined) return NO_PEER;
  if (trust.requireSingleElement && elements.length !== 1) {
    return peerRefused(401, 'XFCC_ELEMENT_COUNT', 'x-forwarded-client-cert has more than one element', `${elements.length} elements`);
  }
  if (trust.expectBy !== undefined && !last.by.includes(trust.expectBy)) {
    return peerRefused(401, 'XFCC_BY_MISMATCH', 'x-forwarded-client-cert was not written for this workload');
  }
  const uri = last.uri[0];
  if (uri === undefined || last.uri.length !== 1) {
    return peerRefused(401, 'XFCC_URI_COUNT', 'x-forwarded-client-cert must name exactly one URI', `${last.uri.length} URI values`);
  }
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(uri);
  } catch (err) {
    if (err instanceof SpiffeIdError) return peerRefused(401, 'XFCC_INVALID_ID', 'x-forwarded-client-cert URI is not a SPIFFE ID', err.reason);
    throw err;
  }
  // A trust-domain-only ID names no workload (X509-SVID.md 3.1, 5.2).
  if (id.path === '') return peerRefused(401, 'XFCC_INVALID_ID', 'x-forwarded-client-cert URI is not a workload SPIFFE ID', 'no-path');
  if (last.cert !== null && last.hash !== null) {
    let digest: string;
    try {
      digest = createHash('sha256').update(new X509Certificate(last.cert).raw).digest('hex');
    } catch {
      return peerRefused(400, 'XFCC_MALFORMED', 'x-forwarded-client-cert Cert is not a certificate', 'cert-unparsable');
    }
    if (digest !== last.hash.toLowerCase()) return peerRefused(401, 'XFCC_HASH_MISMATCH', 'x-forwarded-client-cert Cert does not match its Hash');
  }
  return peerFound(new PeerIdentity(id, 'xfcc'));
}
