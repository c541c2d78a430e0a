import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName } from '@peculiar/asn1-x509';
import { bundle } from '../src/bundle.js';
import { createDevCa } from '../src/dev-ca.js';
import { toPem } from '../src/pem.js';

/** The extensions of a DER certificate, decoded independently of the code under test. */
function extensions(der: Uint8Array): Map<string, { critical: boolean; value: ArrayBuffer }> {
  const tbs = AsnConvert.parse(der, Certificate).tbsCertificate;
  return new Map((tbs.extensions ?? []).map((e) => [e.extnID, { critical: e.critical, value: e.extnValue.buffer }]));
}

function keyUsageBits(der: Uint8Array): number | undefined {
  const ext = extensions(der).get('2.5.29.15');
  return ext === undefined ? undefined : AsnConvert.parse(ext.value, KeyUsage).toNumber();
}

describe('createDevCa', () => {
  const ca = createDevCa({ trustDomain: 'example.org' });

  it('makes a self-signed P-256 root with the SPIFFE signing-certificate profile (X509-SVID.md §3.2, §4)', () => {
    expect(ca.trustDomain).toBe('example.org');
    expect(ca.parent).toBeUndefined();
    expect(ca.root).toBe(ca);
    expect(ca.chain).toEqual([]);
    expect(ca.cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.cert.checkIssued(ca.cert)).toBe(true);
    expect(ca.cert.verify(ca.cert.publicKey)).toBe(true);
    expect(ca.cert.subjectAltName).toBe('URI:spiffe://example.org');
    const ext = extensions(ca.der);
    const bc = AsnConvert.parse(ext.get('2.5.29.19')?.value ?? new ArrayBuffer(0), BasicConstraints);
    expect(bc.cA).toBe(true);
    expect(ext.get('2.5.29.19')?.critical).toBe(true);
    expect(keyUsageBits(ca.der)).toBe(32 | 64); // keyCertSign | cRLSign
    expect(ca.certPem).toBe(toPem(ca.der));
    expect(ca.keyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(new X509Certificate(ca.certPem).fingerprint256).toBe(ca.cert.fingerprint256);
  });

  it('makes intermediates that chain to the root and carry their chain', () => {
    const i1 = ca.createIntermediate();
    const i2 = i1.createIntermediate({ trustDomain: 'other.org', pathLen: 0 });
    expect(i1.trustDomain).toBe('example.org');
    expect(i2.trustDomain).toBe('other.org');
    expect(i2.root).toBe(ca);
    expect(i2.chain).toEqual([i2.der, i1.der]);
    expect(i1.cert.checkIssued(ca.cert) && i1.cert.verify(ca.cert.publicKey)).toBe(true);
    expect(i2.cert.checkIssued(i1.cert) && i2.cert.verify(i1.cert.publicKey)).toBe(true);
    expect(AsnConvert.parse(extensions(i2.der).get('2.5.29.19')?.value ?? new ArrayBuffer(0), BasicConstraints).pathLenConstraint).toBe(0);
  });

  it('can make deliberately broken CAs', () => {
    const notCa = createDevCa({ trustDomain: 'x.test', isCa: false, keyUsage: null, uri: null });
    expect(AsnConvert.parse(extensions(notCa.der).get('2.5.29.19')?.value ?? new ArrayBuffer(0), BasicConstraints).cA).toBe(false);
    expect(keyUsageBits(notCa.der)).toBeUndefined();
    expect(notCa.cert.subjectAltName).toBeUndefined();
  });

  it('rejects a missing trust domain', () => {
    expect(() => createDevCa({} as { trustDomain: string })).toThrow('"trustDomain" option must be a string');
  });
});

describe('DevCa.issueSvid', () => {
  const ca = createDevCa({ trustDomain: 'example.org' });

  it('issues a valid X.509-SVID by default', () => {
    const svid = ca.issueSvid();
    expect(svid.id).toBe('spiffe://example.org/ns/default/sa/default');
    expect(svid.cert.subjectAltName).toBe('URI:spiffe://example.org/ns/default/sa/default');
    expect(svid.cert.subject).toBeUndefined(); // empty subject
    expect(svid.cert.checkIssued(ca.cert) && svid.cert.verify(ca.cert.publicKey)).toBe(true);
    const ext = extensions(svid.der);
    expect(ext.get('2.5.29.17')?.critical).toBe(true); // empty subject: SAN must be critical (RFC 5280 §4.1.2.6)
    expect(AsnConvert.parse(ext.get('2.5.29.19')?.value ?? new ArrayBuffer(0), BasicConstraints).cA).toBe(false);
    expect(ext.get('2.5.29.15')?.critical).toBe(true);
    expect(keyUsageBits(svid.der)).toBe(1); // digitalSignature
    expect([...AsnConvert.parse(ext.get('2.5.29.37')?.value ?? new ArrayBuffer(0), ExtendedKeyUsage)]).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(svid.chain).toEqual([svid.der]);
    expect(svid.chainPem).toBe(svid.certPem);
    expect(svid.privateKey.asymmetricKeyType).toBe('ec');
    expect(svid.keyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(Date.parse(svid.cert.validTo) - Date.parse(svid.cert.validFrom)).toBe(24 * 3600_000 + 5 * 60_000);
  });

  it('puts the intermediates in chainPem, leaf first', () => {
    const issuing = ca.createIntermediate();
    const svid = issuing.issueSvid({ path: '/api' });
    expect(svid.id).toBe('spiffe://example.org/api');
    expect(svid.chainPem).toBe(svid.certPem + issuing.certPem);
    expect(svid.chain).toEqual([svid.der, issuing.der]);
  });

  it('writes exactly the SANs, key usages and EKUs asked for', () => {
    const svid = ca.issueSvid({
      uris: ['spiffe://example.org/a', 'https://not-spiffe.example/x'],
      dnsNames: ['a.example'],
      commonName: 'a',
      keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
      keyUsageCritical: false,
      extKeyUsage: ['clientAuth', '1.2.3.4'],
      isCa: true,
    });
    const ext = extensions(svid.der);
    const names = AsnConvert.parse(ext.get('2.5.29.17')?.value ?? new ArrayBuffer(0), SubjectAlternativeName);
    expect(names.map((n) => n.uniformResourceIdentifier ?? n.dNSName)).toEqual(['spiffe://example.org/a', 'https://not-spiffe.example/x', 'a.example']);
    expect(ext.get('2.5.29.17')?.critical).toBe(false);
    expect(svid.cert.subject).toBe('CN=a');
    expect(keyUsageBits(svid.der)).toBe(1 | 32 | 64);
    expect(ext.get('2.5.29.15')?.critical).toBe(false);
    expect([...AsnConvert.parse(ext.get('2.5.29.37')?.value ?? new ArrayBuffer(0), ExtendedKeyUsage)]).toEqual(['1.3.6.1.5.5.7.3.2', '1.2.3.4']);
    expect(AsnConvert.parse(ext.get('2.5.29.19')?.value ?? new ArrayBuffer(0), BasicConstraints).cA).toBe(true);
  });

  it('can leave out keyUsage, EKU and every SAN', () => {
    const ext = extensions(ca.issueSvid({ keyUsage: null, extKeyUsage: null, uris: [] }).der);
    expect(ext.has('2.5.29.15')).toBe(false);
    expect(ext.has('2.5.29.37')).toBe(false);
    expect(ext.has('2.5.29.17')).toBe(false);
  });

  it('honours validity dates (to the second) and signs with another CA on request', () => {
    const notBefore = new Date('2030-01-01T00:00:00.000Z');
    const notAfter = new Date('2030-01-02T00:00:00.999Z');
    const other = createDevCa({ trustDomain: 'other.org' });
    const svid = ca.issueSvid({ notBefore, notAfter, signer: other });
    expect(new Date(svid.cert.validFrom).toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(new Date(svid.cert.validTo).toISOString()).toBe('2030-01-02T00:00:00.000Z');
    expect(svid.id).toBe('spiffe://example.org/ns/default/sa/default');
    expect(svid.cert.verify(other.cert.publicKey)).toBe(true);
    expect(svid.cert.verify(ca.cert.publicKey)).toBe(false);
  });

  it.each(['P-384', 'Ed25519', 'RSA-2048'] as const)('mints %s keys', (keyAlgorithm) => {
    const svid = ca.issueSvid({ keyAlgorithm });
    expect(svid.cert.publicKey.asymmetricKeyType).toBe(keyAlgorithm === 'P-384' ? 'ec' : keyAlgorithm === 'Ed25519' ? 'ed25519' : 'rsa');
  });
});

describe('bundle', () => {
  it('groups the roots of CAs by trust domain, once each', () => {
    const a = createDevCa({ trustDomain: 'a.test' });
    const b = createDevCa({ trustDomain: 'b.test' });
    const out = bundle(a, a.createIntermediate(), b);
    expect({ ...out }).toEqual({ 'a.test': [a.certPem], 'b.test': [b.certPem] });
  });
});
