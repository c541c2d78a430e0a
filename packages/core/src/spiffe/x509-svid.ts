import type { X509Certificate } from 'node:crypto';
import { OptionError } from '../errors.js';
import type { SpiffeId } from './spiffe-id.js';
import { SvidError } from './svid-error.js';
import { checkLeafConstraints, checkValidity, leafSpiffeId } from './svid-leaf.js';
import { PresentedCertificate, buildPath, checkSigningCertificates } from './svid-path.js';
import { type TrustBundleSet, trustAnchors } from './trust-bundle.js';

/**
 * Longest chain accepted. Mesh peers present one to three certificates; the bound keeps the
 * path search small whatever a peer sends (Go's crypto/x509 bounds it by signature checks instead).
 *
 * @example
 * ```ts
 * if (chain.length > MAX_SVID_CHAIN_LENGTH) socket.destroy();
 * ```
 */
export const MAX_SVID_CHAIN_LENGTH = 10;

/**
 * A certificate chain, leaf first: DER bytes (not PEM) or Node certificates.
 *
 * @example
 * ```ts
 * const chain: X509SvidChain = [leafDer, intermediateDer];
 * ```
 */
export type X509SvidChain = readonly (Buffer | Uint8Array | X509Certificate)[];

/**
 * Options of {@link verifyX509Svid}.
 *
 * @example
 * ```ts
 * verifyX509Svid(chain, bundles, { now: new Date('2030-01-01T00:00:00Z') });
 * ```
 */
export interface VerifyX509SvidOptions {
  /** The time to check validity windows against. Default: the current time. */
  now?: Date;
}

function nowMillis(options: VerifyX509SvidOptions | undefined): number {
  const now = options?.now;
  if (now === undefined) return Date.now();
  // An invalid Date would make every validity comparison false, i.e. accept any window.
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new OptionError('now', 'must be a valid Date');
  return now.getTime();
}

/**
 * Verifies a peer's X.509-SVID chain and returns its SPIFFE ID
 * (spiffe/standards/X509-SVID.md; identity-and-xfcc.md §5; where the spec and go-spiffe's
 * `x509svid.Verify` differ, the spec wins).
 *
 * `chain[0]` is the leaf; the rest are the certificates the peer presented or the TLS stack
 * assembled (the `getPeerCertificate(true)` walk, which may end with the root itself). Checks, in
 * order: chain length; the leaf has exactly one URI SAN holding a SPIFFE ID with a path; the leaf
 * is not a CA, has a critical keyUsage with digitalSignature and without keyCertSign/cRLSign, and
 * an EKU (if any) with clientAuth; the leaf's validity window; a bundle exists for the ID's trust
 * domain; the signatures chain through presented CA intermediates to a root of *that* bundle (a
 * chain ending at another trust domain's root fails); the intermediates' CA flags, keyCertSign,
 * path lengths and validity windows, and the root's.
 *
 * Synchronous and meant to run once per TLS connection, not per request.
 *
 * @throws {SvidError} with a `reason` naming the failed check.
 * @throws {OptionError} when `options.now` is not a valid Date.
 * @example
 * ```ts
 * const bundles = TrustBundleSet.from({ 'cluster.local': { file: '/etc/certs/root-cert.pem' } });
 * server.on('secureConnection', (socket) => {
 *   const chain: Buffer[] = [];
 *   for (let c = socket.getPeerCertificate(true); c?.raw; c = c.issuerCertificate) {
 *     chain.push(c.raw);
 *     if (c.issuerCertificate === c) break;
 *   }
 *   const id = verifyX509Svid(chain, bundles); // SpiffeId, or throws SvidError
 * });
 * ```
 */
export function verifyX509Svid(chain: X509SvidChain, bundles: TrustBundleSet, options?: VerifyX509SvidOptions): SpiffeId {
  const now = nowMillis(options);
  if (chain.length === 0) throw new SvidError('no-certificate', 'no certificate was presented');
  if (chain.length > MAX_SVID_CHAIN_LENGTH) {
    throw new SvidError('chain-too-long', `the chain has ${chain.length} certificates, at most ${MAX_SVID_CHAIN_LENGTH} are accepted`);
  }
  const certs = chain.map((input, i) => new PresentedCertificate(input, i));
  const leaf = (certs[0] as PresentedCertificate).profile;

  const id = leafSpiffeId(leaf);
  checkLeafConstraints(leaf);
  checkValidity(leaf, now, 'the leaf');

  // X509-SVID.md §5.1 and SPIFFE_Trust_Domain_and_Bundle.md §3: only the bundle of the ID's own trust domain.
  const anchors = trustAnchors(bundles, id.trustDomain.name);
  if (anchors === undefined) {
    throw new SvidError('unknown-trust-domain', `there is no trust bundle for the trust domain "${id.trustDomain.name}" of ${id}`);
  }
  checkSigningCertificates(buildPath(certs, anchors), now);
  return id;
}

export { SvidError, type SvidErrorReason } from './svid-error.js';
