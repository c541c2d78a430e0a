import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints, Certificate, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
  id_ce_authorityKeyIdentifier, id_ce_basicConstraints, id_ce_extKeyUsage, id_ce_keyUsage,
  id_ce_subjectAltName, id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';

/**
 * What verification needs to know about a certificate, read from its DER with @peculiar/asn1-x509.
 * Node's `X509Certificate` cannot supply it: it exposes no keyUsage bits, its `ca` is OpenSSL's
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

/** A readable name for an extension OID in error messages. */
export function extensionName(oid: string): string {
  const name = NAMES[oid];
  return name === undefined ? oid : `${name} (${oid})`;
}

/** Bit `n` of a DER BIT STRING, counting from the most significant bit of the first byte. */
function bit(bytes: Uint8Array, n: number): boolean {
  const byte = bytes[n >> 3];
  return byte !== undefined && ((byte >> (7 - (n & 7))) & 1) === 1;
}

/**
 * Parses the parts of a DER certificate that SVID verification relies on.
 *
 * @throws {Error} when the DER or one of the extensions it reads does not parse, or an extension
 *   appears twice (RFC 5280 §4.2: "a certificate MUST NOT include more than one instance").
 * @internal
 */
export function readCertificateProfile(der: Uint8Array): CertificateProfile {
  const tbs = AsnConvert.parse(der, Certificate).tbsCertificate;
  let uris: string[] = [];
  let isCa = false;
  let pathLenConstraint: number | undefined;
  let keyUsage: KeyUsageBits | undefined;
  let keyUsageCritical = false;
  let extKeyUsage: string[] | undefined;
  const unhandledCritical: string[] = [];
  const seen = new Set<string>();

  for (const ext of tbs.extensions ?? []) {
    const oid = ext.extnID;
    if (seen.has(oid)) throw new Error(`extension ${extensionName(oid)} appears more than once`);
    seen.add(oid);
    const value = ext.extnValue.buffer;
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
        keyUsageCritical = ext.critical;
        break;
      }
      case id_ce_extKeyUsage:
        extKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
        break;
      default:
        if (ext.critical && !HANDLED.has(oid)) unhandledCritical.push(oid);
    }
  }

  return {
    uris,
    isCa,
    pathLenConstraint,
    keyUsage,
    keyUsageCritical,
    extKeyUsage,
    unhandledCritical,
    notBefore: tbs.validity.notBefore.getTime().getTime(),
    notAfter: tbs.validity.notAfter.getTime().getTime(),
  };
}
