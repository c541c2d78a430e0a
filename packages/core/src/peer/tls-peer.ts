import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { TrustBundleSet } from '../spiffe/trust-bundle.js';
import { SvidError, verifyX509Svid } from '../spiffe/x509-svid.js';
import { PeerIdentity } from './peer-identity.js';
import { NO_PEER, peerFound, peerRefused, type PeerOutcome } from './peer-outcome.js';

/** A TLS peer's outcome and the time after which it must be checked again (the chain's earliest expiry). */
export interface TlsPeerResult {
  readonly outcome: PeerOutcome;
  readonly recheckAfter: number;
}

/** Node's own chain walk stops when a certificate names itself as its issuer; the bound is a backstop. */
const MAX_CHAIN = 10;
/** Verified chains remembered across connections; a client that reconnects for every request pays one lookup. */
const VERIFIED_LIMIT = 1024;

/**
 * Chains that verified, by the SHA-256 fingerprints Node already computed for them. Only
 * successes are kept: a failure may stop being one (not yet valid), a success only by expiring,
 * and `recheckAfter` bounds that.
 */
export type VerifiedChains = Map<string, TlsPeerResult>;

/**
 * Reads and verifies the client certificate chain of a TLS connection as an X.509-SVID.
 * Node's `requestCert`/`ca` check is one flat pool across trust domains, so the chain is
 * verified again here against the bundle of the certificate's own trust domain
 * (identity-and-xfcc.md 5.1). Called once per connection; the caller keeps the result.
 *
 * @example
 * ```ts
 * const { outcome } = tlsPeerIdentity(req.socket as TLSSocket, bundles, new Map());
 * if (outcome.ok) console.log(outcome.peer?.id);
 * ```
 */
export function tlsPeerIdentity(socket: TLSSocket, bundles: TrustBundleSet, verified: VerifiedChains, now = Date.now()): TlsPeerResult {
  const leaf = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  if (leaf === undefined || leaf.raw === undefined) return { outcome: NO_PEER, recheckAfter: Infinity };
  const chain: Buffer[] = [];
  let key = '';
  let recheckAfter = Infinity;
  for (let cert: DetailedPeerCertificate | undefined = leaf; cert?.raw !== undefined && chain.length < MAX_CHAIN; ) {
    chain.push(cert.raw);
    key += cert.fingerprint256;
    const expiry = Date.parse(cert.valid_to);
    if (expiry < recheckAfter) recheckAfter = expiry;
    const issuer: DetailedPeerCertificate | undefined = cert.issuerCertificate;
    cert = issuer === cert ? undefined : issuer;
  }
  const known = verified.get(key);
  if (known !== undefined && now <= known.recheckAfter) return known;
  try {
    const id = verifyX509Svid(chain, bundles, { now: new Date(now) });
    const result = { outcome: peerFound(new PeerIdentity(id, 'tls')), recheckAfter };
    if (verified.size >= VERIFIED_LIMIT) verified.clear();
    verified.set(key, result);
    return result;
  } catch (err) {
    if (err instanceof SvidError) {
      return { outcome: peerRefused(401, 'SVID_INVALID', 'client certificate is not a valid X.509-SVID', err.reason), recheckAfter };
    }
    throw err;
  }
}
