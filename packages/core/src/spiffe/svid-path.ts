import { type KeyObject, X509Certificate } from 'node:crypto';
import { type CertificateProfile, readCertificateProfile } from './cert-extensions.js';
import { checkCriticalExtensions, checkValidity } from './svid-leaf.js';
import { SvidError } from './svid-error.js';
import type { TrustAnchor } from './trust-bundle.js';

/**
 * A certificate the peer presented. Node's `X509Certificate`, the ASN.1 profile and the public key
 * are computed on first use: constructing an `X509Certificate` is the largest single cost of
 * verification, and a copy of the root at the end of a chain is never needed once the path has
 * reached a root of the bundle.
 * @internal
 */
export class PresentedCertificate {
  readonly label: string;
  readonly #input: Buffer | Uint8Array | X509Certificate;
  #x509: X509Certificate | undefined;
  #der: Uint8Array | undefined;
  #profile: CertificateProfile | undefined;
  #publicKey: KeyObject | undefined;

  constructor(input: Buffer | Uint8Array | X509Certificate, index: number) {
    this.label = index === 0 ? 'the leaf' : `chain certificate ${index}`;
    this.#input = input;
    if (input instanceof X509Certificate) this.#x509 = input;
    else if (input instanceof Uint8Array) this.#der = input;
    else throw new SvidError('malformed-certificate', `${this.label} is neither DER bytes nor an X509Certificate`);
  }

  get x509(): X509Certificate {
    if (this.#x509 === undefined) {
      try {
        this.#x509 = new X509Certificate(this.#input as Uint8Array);
      } catch (cause) {
        throw new SvidError('malformed-certificate', `${this.label} is not a valid X.509 certificate`, { cause });
      }
    }
    return this.#x509;
  }

  get profile(): CertificateProfile {
    if (this.#profile === undefined) {
      try {
        this.#profile = readCertificateProfile(this.#der ?? this.x509.raw);
      } catch (cause) {
        if (cause instanceof SvidError) throw cause;
        throw new SvidError('malformed-certificate', `${this.label} is not a well-formed DER certificate: ${(cause as Error).message}`, { cause });
      }
    }
    return this.#profile;
  }

  get publicKey(): KeyObject {
    return (this.#publicKey ??= this.x509.publicKey);
  }
}

/** Issuer name (and key identifier) match, then the signature. Node's `verify` may throw on odd keys. */
function issuedBy(child: X509Certificate, issuer: X509Certificate, issuerKey: KeyObject): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuerKey);
  } catch {
    return false;
  }
}

/** A certification path from the leaf up to a trust anchor. @internal */
export interface CertificationPath {
  /** Signing certificates between the leaf and the anchor, leaf side first. */
  readonly intermediates: readonly PresentedCertificate[];
  readonly anchor: TrustAnchor;
}

/**
 * Walks from the leaf to a root of `anchors`, using only the certificates the peer presented
 * (X509-SVID.md §5.1; go-spiffe verify.go passes `certs[1:]` as intermediates). At each step the
 * anchors are tried first, then each unused presented certificate, so order does not matter and a
 * copy of the root at the end of the chain (as `getPeerCertificate(true)` yields) is harmless.
 * Greedy and without backtracking: each certificate is used at most once, so a chain of n
 * certificates costs at most n² issuer checks (a name match, then a signature check), n ≤ 10.
 * The price is that of two presented issuers with the same name and key, only the first is tried.
 * @internal
 */
export function buildPath(chain: readonly PresentedCertificate[], anchors: readonly TrustAnchor[]): CertificationPath {
  const [leaf] = chain;
  if (leaf === undefined) throw new SvidError('no-certificate', 'no certificate was presented');
  const used = new Uint8Array(chain.length);
  used[0] = 1;
  const intermediates: PresentedCertificate[] = [];
  let current = leaf;
  for (;;) {
    for (const anchor of anchors) {
      if (issuedBy(current.x509, anchor.cert, anchor.publicKey)) return { intermediates, anchor };
    }
    let next: PresentedCertificate | undefined;
    for (let k = 1; k < chain.length && next === undefined; k++) {
      const candidate = chain[k];
      if (candidate !== undefined && used[k] === 0 && issuedBy(current.x509, candidate.x509, candidate.publicKey)) {
        used[k] = 1;
        next = candidate;
      }
    }
    if (next === undefined) {
      throw new SvidError('untrusted-chain', `${current.label} is not signed by a root of the trust domain's bundle or by another presented certificate`);
    }
    intermediates.push(next);
    current = next;
  }
}

function checkPathLength(profile: CertificateProfile, below: number, what: string): void {
  // RFC 5280 §4.2.1.9: pathLenConstraint bounds the non-leaf certificates that may follow. Self-issued
  // intermediates are counted too, which is stricter than RFC 5280 and matches nothing in SPIFFE practice.
  if (profile.pathLenConstraint !== undefined && below > profile.pathLenConstraint) {
    throw new SvidError('path-length-exceeded', `${what} allows ${profile.pathLenConstraint} intermediate(s) below it, the path has ${below}`);
  }
}

/**
 * Checks the signing certificates of a built path: each intermediate is a CA with keyCertSign
 * (X509-SVID.md §3.2, §4.1, §4.3), path lengths hold, no unprocessed critical extension, and every
 * certificate, the root included, is within its validity window. EKUs of signing certificates are
 * not interpreted: §4.4 notes libraries disagree, and go-spiffe verifies with ExtKeyUsageAny.
 * @internal
 */
export function checkSigningCertificates(path: CertificationPath, now: number): void {
  path.intermediates.forEach((cert, i) => {
    const what = `intermediate ${i + 1} (${cert.label})`;
    const profile = cert.profile;
    if (!profile.isCa) throw new SvidError('intermediate-not-ca', `${what} is not a CA certificate (basicConstraints cA is not true)`);
    if (profile.keyUsage?.keyCertSign !== true) throw new SvidError('intermediate-cannot-sign', `${what} has no keyUsage with keyCertSign`);
    checkPathLength(profile, i, what);
    checkCriticalExtensions(profile, what);
    checkValidity(profile, now, what);
  });
  checkPathLength(path.anchor.profile, path.intermediates.length, 'the root');
  checkValidity(path.anchor.profile, now, 'the root');
}
