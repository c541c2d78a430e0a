import { type CertificateProfile, EKU_CLIENT_AUTH, extensionName } from './cert-extensions.js';
import { SpiffeId } from './spiffe-id.js';
import { SvidError } from './svid-error.js';

/**
 * The leaf's SPIFFE ID: exactly one URI SAN (X509-SVID.md §2: "Validators encountering an SVID
 * containing more than one URI SAN MUST reject"), a valid SPIFFE ID, with a non-root path (§3.1,
 * §5.2). go-spiffe `x509svid.IDFromCert` checks the first two; the third is the spec's.
 * @internal
 */
export function leafSpiffeId(leaf: CertificateProfile): SpiffeId {
  const [uri, ...rest] = leaf.uris;
  if (uri === undefined || rest.length > 0) {
    throw new SvidError('uri-san-count', `the leaf must have exactly one URI SAN, it has ${leaf.uris.length}`);
  }
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(uri);
  } catch (cause) {
    throw new SvidError('invalid-spiffe-id', `the leaf's URI SAN is not a valid SPIFFE ID: ${(cause as Error).message}`, { cause });
  }
  if (id.path === '') throw new SvidError('no-path', `the leaf's SPIFFE ID ${id} has no path; only signing certificates may carry a trust-domain-only ID`);
  return id;
}

/**
 * Leaf constraints of X509-SVID.md §4.1, §4.3, §4.4 and §5.2. Stricter than go-spiffe's
 * `x509svid.Verify`, which checks only cA, keyCertSign and cRLSign: the spec also makes keyUsage
 * mandatory and critical with digitalSignature set.
 * @internal
 */
export function checkLeafConstraints(leaf: CertificateProfile): void {
  if (leaf.isCa) throw new SvidError('leaf-is-ca', 'the leaf is a CA certificate (basicConstraints cA is true)');
  const ku = leaf.keyUsage;
  if (ku === undefined) throw new SvidError('key-usage-missing', 'the leaf has no keyUsage extension');
  if (!leaf.keyUsageCritical) throw new SvidError('key-usage-not-critical', "the leaf's keyUsage extension is not marked critical");
  if (!ku.digitalSignature) throw new SvidError('digital-signature-missing', "the leaf's keyUsage lacks digitalSignature");
  if (ku.keyCertSign) throw new SvidError('leaf-can-sign-certificates', "the leaf's keyUsage has keyCertSign");
  if (ku.cRLSign) throw new SvidError('leaf-can-sign-crls', "the leaf's keyUsage has cRLSign");
  // §4.4 says a leaf's EKU, when present, MUST list both serverAuth and clientAuth. That is an
  // issuance rule: §5 (validation) names no EKU check. This function authenticates a caller, so it
  // requires clientAuth, the purpose being exercised (RFC 5280 §4.2.1.12), and does not require
  // serverAuth: its absence says nothing about the client role, and OpenSSL and Envoy accept such
  // client certificates too. anyExtendedKeyUsage alone is refused, as OpenSSL's sslclient purpose does.
  if (leaf.extKeyUsage !== undefined && !leaf.extKeyUsage.includes(EKU_CLIENT_AUTH)) {
    throw new SvidError('ext-key-usage', "the leaf's extKeyUsage does not include clientAuth");
  }
  checkCriticalExtensions(leaf, 'the leaf');
}

/** RFC 5280 §4.2: a certificate with a critical extension the validator does not process is rejected. @internal */
export function checkCriticalExtensions(profile: CertificateProfile, what: string): void {
  const [oid] = profile.unhandledCritical;
  if (oid !== undefined) {
    throw new SvidError('unhandled-critical-extension', `${what} has a critical ${extensionName(oid)} extension, which is not processed`);
  }
}

/** The validity window, inclusive at both ends (RFC 5280 §4.1.2.5). @internal */
export function checkValidity(profile: CertificateProfile, now: number, what: string): void {
  if (now < profile.notBefore) throw new SvidError('not-yet-valid', `${what} is not valid before ${new Date(profile.notBefore).toISOString()}`);
  if (now > profile.notAfter) throw new SvidError('expired', `${what} expired at ${new Date(profile.notAfter).toISOString()}`);
}
