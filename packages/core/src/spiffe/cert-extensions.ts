import { asn1Modules } from './asn1-modules.js';
import {
  DerError, TAG_BOOLEAN, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, decodeOid, decodeTime, expectTlv, readTlv,
} from './der.js';

/**
 * What verification needs to know about a certificate, read from its DER. Node's
 * `X509Certificate` cannot supply it: it exposes no keyUsage bits, its `ca` is OpenSSL's
 * `X509_check_ca` (false for cA:TRUE without keyCertSign) and `subjectAltName` is a display string
 * that JSON-quotes unusual values (identity-and-xfcc.md §5.1).
 * @internal
 */
export interface CertificateProfile {
  /** URI entries of the subjectAltName extension, in order. */
  readonly uris: readonly string[];
  /** basicConstraints is present with `cA` true. */
  readonly isCa: boolean;
  /** basicConstraints `pathLenConstraint`, when set. */
  readonly pathLenConstraint: number | undefined;
  /** keyUsage bits, or `undefined` when the extension is absent. */
  readonly keyUsage: KeyUsageBits | undefined;
  readonly keyUsageCritical: boolean;
  /** extKeyUsage purpose OIDs, or `undefined` when the extension is absent. */
  readonly extKeyUsage: readonly string[] | undefined;
  /** OIDs of critical extensions this module does not process (RFC 5280 §4.2 says reject). */
  readonly unhandledCritical: readonly string[];
  /** Validity window in epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
}

/** The keyUsage bits verification looks at (RFC 5280 §4.2.1.3 bit numbers in comments). */
export interface KeyUsageBits {
  readonly digitalSignature: boolean; // bit 0
  readonly keyCertSign: boolean; // bit 5
  readonly cRLSign: boolean; // bit 6
}

/** OID of the TLS client authentication purpose (RFC 5280 §4.2.1.12). */
export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

// Extension OIDs (RFC 5280 §4.2.1), written out so that reading them needs no ASN.1 module.
const id_ce_subjectKeyIdentifier = '2.5.29.14';
const id_ce_keyUsage = '2.5.29.15';
const id_ce_subjectAltName = '2.5.29.17';
const id_ce_basicConstraints = '2.5.29.19';
const id_ce_authorityKeyIdentifier = '2.5.29.35';
const id_ce_extKeyUsage = '2.5.29.37';

const HANDLED = new Set<string>([
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_extKeyUsage,
  id_ce_subjectAltName,
  // Key identifiers only help find issuers; RFC 5280 requires them to be non-critical anyway.
  id_ce_subjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
]);

const NAMES: Readonly<Record<string, string>> = {
  '2.5.29.30': 'nameConstraints',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.33': 'policyMappings',
  '2.5.29.36': 'policyConstraints',
  '2.5.29.54': 'inhibitAnyPolicy',
};

/** A readable name for an extension OID in error messages. @internal */
export function extensionName(oid: string): string {
  const name = NAMES[oid];
  return name === undefined ? oid : `${name} (${oid})`;
}

/** Bit `n` of a DER BIT STRING, counting from the most significant bit of the first byte. */
function bit(bytes: Uint8Array, n: number): boolean {
  const byte = bytes[n >> 3];
  return byte !== undefined && ((byte >> (7 - (n & 7))) & 1) === 1;
}

interface Skeleton {
  readonly notBefore: number;
  readonly notAfter: number;
  /** Start and end of the content of the `extensions` SEQUENCE, if any. */
  readonly extensions: { readonly start: number; readonly end: number } | undefined;
}

/** Walks Certificate → TBSCertificate to the validity and the extensions (RFC 5280 §4.1). */
function walk(der: Uint8Array): Skeleton {
  const cert = expectTlv(der, 0, der.length, TAG_SEQUENCE, 'Certificate');
  if (cert.end !== der.length) throw new DerError('trailing bytes after the certificate');
  const tbs = expectTlv(der, cert.start, cert.end, TAG_SEQUENCE, 'TBSCertificate');
  let el = readTlv(der, tbs.start, tbs.end);
  if (el.tag === 0xa0) el = readTlv(der, el.end, tbs.end); // [0] EXPLICIT version
  if (el.tag !== TAG_INTEGER) throw new DerError('expected serialNumber');
  const signature = expectTlv(der, el.end, tbs.end, TAG_SEQUENCE, 'signature');
  const issuer = expectTlv(der, signature.end, tbs.end, TAG_SEQUENCE, 'issuer');
  const validity = expectTlv(der, issuer.end, tbs.end, TAG_SEQUENCE, 'validity');
  const notBefore = readTlv(der, validity.start, validity.end);
  const notAfter = readTlv(der, notBefore.end, validity.end);
  const subject = expectTlv(der, validity.end, tbs.end, TAG_SEQUENCE, 'subject');
  let pos = expectTlv(der, subject.end, tbs.end, TAG_SEQUENCE, 'subjectPublicKeyInfo').end;
  let extensions: Skeleton['extensions'];
  while (pos < tbs.end) {
    el = readTlv(der, pos, tbs.end);
    // [1] issuerUniqueID and [2] subjectUniqueID are skipped; [3] wraps the Extensions SEQUENCE.
    if (el.tag === 0xa3) {
      const seq = expectTlv(der, el.start, el.end, TAG_SEQUENCE, 'Extensions');
      extensions = { start: seq.start, end: seq.end };
    }
    pos = el.end;
  }
  return { notBefore: decodeTime(der, notBefore), notAfter: decodeTime(der, notAfter), extensions };
}

/**
 * Reads the parts of a DER certificate that SVID verification relies on: the validity window
 * and the basicConstraints, keyUsage, extKeyUsage and subjectAltName extensions, whose values
 * are decoded with @peculiar/asn1-x509.
 *
 * @throws {Error} when the DER or one of the extensions it reads does not parse, or an extension
 *   appears twice (RFC 5280 §4.2: "a certificate MUST NOT include more than one instance").
 * @internal
 */
export function readCertificateProfile(der: Uint8Array): CertificateProfile {
  const skeleton = walk(der);
  let uris: string[] = [];
  let isCa = false;
  let pathLenConstraint: number | undefined;
  let keyUsage: KeyUsageBits | undefined;
  let keyUsageCritical = false;
  let extKeyUsage: string[] | undefined;
  const unhandledCritical: string[] = [];
  const seen = new Set<string>();

  for (let pos = skeleton.extensions?.start ?? 0, end = skeleton.extensions?.end ?? 0; pos < end; ) {
    const ext = expectTlv(der, pos, end, TAG_SEQUENCE, 'Extension');
    pos = ext.end;
    const oidTlv = expectTlv(der, ext.start, ext.end, TAG_OID, 'extnID');
    const oid = decodeOid(der, oidTlv);
    let next = readTlv(der, oidTlv.end, ext.end);
    let critical = false;
    if (next.tag === TAG_BOOLEAN) {
      critical = next.end - next.start === 1 && der[next.start] !== 0;
      next = readTlv(der, next.end, ext.end);
    }
    if (next.tag !== TAG_OCTET_STRING || next.end !== ext.end) throw new DerError('expected extnValue');
    if (seen.has(oid)) throw new DerError(`extension ${extensionName(oid)} appears more than once`);
    seen.add(oid);
    const value = der.subarray(next.start, next.end);
    const { schema: { AsnConvert }, x509: { BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName } } = asn1Modules();
    switch (oid) {
      case id_ce_subjectAltName:
        uris = [];
        for (const name of AsnConvert.parse(value, SubjectAlternativeName)) {
          if (name.uniformResourceIdentifier !== undefined) uris.push(name.uniformResourceIdentifier);
        }
        break;
      case id_ce_basicConstraints: {
        const bc = AsnConvert.parse(value, BasicConstraints);
        isCa = bc.cA === true;
        pathLenConstraint = bc.pathLenConstraint;
        break;
      }
      case id_ce_keyUsage: {
        const bits = new Uint8Array(AsnConvert.parse(value, KeyUsage).value);
        keyUsage = { digitalSignature: bit(bits, 0), keyCertSign: bit(bits, 5), cRLSign: bit(bits, 6) };
        keyUsageCritical = critical;
        break;
      }
      case id_ce_extKeyUsage:
        extKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
        break;
      default:
        if (critical && !HANDLED.has(oid)) unhandledCritical.push(oid);
    }
  }

  return { uris, isCa, pathLenConstraint, keyUsage, keyUsageCritical, extKeyUsage, unhandledCritical, notBefore: skeleton.notBefore, notAfter: skeleton.notAfter };
}
