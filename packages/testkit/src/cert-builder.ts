import { type KeyObject, X509Certificate, createHash, randomBytes, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue, AttributeValue, AuthorityKeyIdentifier, BasicConstraints, Certificate,
  ExtendedKeyUsage, Extension, Extensions, GeneralName, KeyIdentifier, KeyUsage, Name,
  RelativeDistinguishedName, SubjectAlternativeName, SubjectKeyIdentifier, SubjectPublicKeyInfo,
  TBSCertificate, Validity, Version, id_ce_authorityKeyIdentifier, id_ce_basicConstraints,
  id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { signatureScheme } from './keys.js';

/**
 * keyUsage bits by name (RFC 5280 §4.2.1.3).
 *
 * @example
 * ```ts
 * ca.issueSvid({ keyUsage: ['digitalSignature', 'keyCertSign'] }); // a leaf that may sign certificates: invalid
 * ```
 */
export type KeyUsageName =
  | 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement'
  | 'keyCertSign' | 'cRLSign' | 'encipherOnly' | 'decipherOnly';

const KEY_USAGE_BITS: Readonly<Record<KeyUsageName, number>> = {
  digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4,
  keyCertSign: 5, cRLSign: 6, encipherOnly: 7, decipherOnly: 8,
};

/**
 * An extKeyUsage purpose: a well-known name or a dotted OID.
 *
 * @example
 * ```ts
 * ca.issueSvid({ extKeyUsage: ['serverAuth'] }); // no clientAuth: refused as a client certificate
 * ca.issueSvid({ extKeyUsage: ['clientAuth', '1.3.6.1.4.1.11129.2.1.21'] });
 * ```
 */
export type ExtKeyUsageName = 'serverAuth' | 'clientAuth' | 'codeSigning' | 'emailProtection' | 'any' | (string & {});

const EKU_OIDS: Readonly<Record<string, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  any: '2.5.29.37.0',
};

/**
 * An extension written as given: for deliberately odd certificates (an unknown critical extension...).
 *
 * @example
 * ```ts
 * const unknownCritical: RawExtension = { oid: '1.3.6.1.4.1.55555.1', critical: true, value: new Uint8Array([0x05, 0x00]) };
 * ca.issueSvid({ extensions: [unknownCritical] });
 * ```
 */
export interface RawExtension {
  /** Dotted OID. */
  readonly oid: string;
  readonly critical: boolean;
  /** The DER of the extension's value (the content of `extnValue`). */
  readonly value: Uint8Array;
}

/**
 * Who signs a certificate. Without `cert` the certificate is self-signed by `privateKey`.
 *
 * @example
 * ```ts
 * const signer: CertificateSigner = { privateKey: ca.privateKey, cert: ca.cert };
 * ```
 */
export interface CertificateSigner {
  readonly privateKey: KeyObject;
  readonly cert?: X509Certificate;
}

/**
 * Everything {@link buildCertificate} writes. Nothing is checked: the point is to be able to make
 * wrong certificates on purpose.
 *
 * @example
 * ```ts
 * const spec: CertificateSpec = {
 *   publicKey, signer: { privateKey: ca.privateKey, cert: ca.cert },
 *   notBefore: new Date(), notAfter: new Date(Date.now() + 3600_000),
 *   basicConstraints: { cA: false }, keyUsage: ['digitalSignature'], extKeyUsage: ['clientAuth'],
 *   uris: ['spiffe://example.org/api'],
 * };
 * ```
 */
export interface CertificateSpec {
  /** The subject's public key. */
  readonly publicKey: KeyObject;
  readonly signer: CertificateSigner;
  /** Subject common name; omitted gives an empty subject (as Istio's and SPIRE's workload certificates may have). */
  readonly commonName?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints (always written critical); `null` leaves the extension out. */
  readonly basicConstraints: { readonly cA: boolean; readonly pathLen?: number } | null;
  /** keyUsage bits; `null` leaves the extension out. */
  readonly keyUsage: readonly KeyUsageName[] | null;
  /** Default `true` (X509-SVID.md §4.3). */
  readonly keyUsageCritical?: boolean;
  /** extKeyUsage purposes; `null` leaves the extension out. */
  readonly extKeyUsage: readonly ExtKeyUsageName[] | null;
  readonly uris?: readonly string[];
  readonly dnsNames?: readonly string[];
  /** Default: critical when the subject is empty (RFC 5280 §4.1.2.6). */
  readonly sanCritical?: boolean;
  readonly extensions?: readonly RawExtension[];
}

function commonNameOf(cn: string | undefined): Name {
  if (cn === undefined) return new Name([]);
  const atv = new AttributeTypeAndValue({ type: '2.5.4.3', value: new AttributeValue({ utf8String: cn }) });
  return new Name([new RelativeDistinguishedName([atv])]);
}

function extension(oid: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** A positive 127-bit serial with a non-zero first byte, so its DER INTEGER needs no padding (RFC 5280 §4.1.2.2). */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return new Uint8Array(bytes).buffer;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: SubjectPublicKeyInfo): Uint8Array {
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function buildExtensions(spec: CertificateSpec, spki: SubjectPublicKeyInfo, issuerKeyId: Uint8Array): Extension[] {
  const out: Extension[] = [];
  if (spec.basicConstraints !== null) {
    const { cA, pathLen } = spec.basicConstraints;
    out.push(extension(id_ce_basicConstraints, true, new BasicConstraints(pathLen === undefined ? { cA } : { cA, pathLenConstraint: pathLen })));
  }
  if (spec.keyUsage !== null) {
    const flags = spec.keyUsage.reduce((acc, name) => acc | (1 << KEY_USAGE_BITS[name]), 0);
    out.push(extension(id_ce_keyUsage, spec.keyUsageCritical ?? true, new KeyUsage(flags)));
  }
  if (spec.extKeyUsage !== null) {
    out.push(extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage(spec.extKeyUsage.map((p) => EKU_OIDS[p] ?? p))));
  }
  const names = [
    ...(spec.uris ?? []).map((uri) => new GeneralName({ uniformResourceIdentifier: uri })),
    ...(spec.dnsNames ?? []).map((dns) => new GeneralName({ dNSName: dns })),
  ];
  if (names.length > 0) out.push(extension(id_ce_subjectAltName, spec.sanCritical ?? spec.commonName === undefined, new SubjectAlternativeName(names)));
  out.push(extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))));
  out.push(extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuerKeyId) })));
  for (const raw of spec.extensions ?? []) {
    out.push(new Extension({ extnID: raw.oid, critical: raw.critical, extnValue: new OctetString(raw.value) }));
  }
  return out;
}

/**
 * Builds and signs an X.509 v3 certificate with @peculiar/asn1-x509 structures and `node:crypto`,
 * synchronously. The issuer name and key identifier are copied from `signer.cert`, so chains built
 * from these certificates are found by OpenSSL and by `X509Certificate.checkIssued`.
 *
 * @returns the certificate's DER.
 * @example
 * ```ts
 * const { privateKey, publicKey } = generateKeyPair();
 * const der = buildCertificate({
 *   publicKey, signer: { privateKey }, commonName: 'test root',
 *   notBefore: new Date(), notAfter: new Date(Date.now() + 3600_000),
 *   basicConstraints: { cA: true }, keyUsage: ['keyCertSign', 'cRLSign'], extKeyUsage: null,
 * });
 * ```
 */
export function buildCertificate(spec: CertificateSpec): Buffer {
  const spki = AsnConvert.parse(spec.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const subject = commonNameOf(spec.commonName);
  let issuer = subject;
  let issuerKeyId = keyIdentifier(spki);
  if (spec.signer.cert !== undefined) {
    const issuerTbs = AsnConvert.parse(spec.signer.cert.raw, Certificate).tbsCertificate;
    issuer = issuerTbs.subject;
    issuerKeyId = keyIdentifier(issuerTbs.subjectPublicKeyInfo);
  }
  const scheme = signatureScheme(spec.signer.privateKey);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: scheme.algorithm,
    issuer,
    validity: new Validity({ notBefore: wholeSeconds(spec.notBefore), notAfter: wholeSeconds(spec.notAfter) }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(buildExtensions(spec, spki, issuerKeyId)),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign(scheme.digest, tbsDer, spec.signer.privateKey);
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: scheme.algorithm, signatureValue: new Uint8Array(signature).buffer });
  return Buffer.from(AsnConvert.serialize(cert));
}
