import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SvidError, TrustBundleSet, verifyX509Svid } from '@meshauth/core';
import { bundle } from '../src/bundle.js';
import { createDevCa } from '../src/dev-ca.js';

// verifyX509Svid against real certificates minted by the testkit. One failing case per reason
// (spiffe/standards/X509-SVID.md; identity-and-xfcc.md §5), plus the cases that must pass.

const HOUR = 3600_000;
const a = createDevCa({ trustDomain: 'a.test' });
const b = createDevCa({ trustDomain: 'b.test' });
const bundles = TrustBundleSet.from(bundle(a, b));
type Chain = Parameters<typeof verifyX509Svid>[0];

function reasonOf(chain: Chain, set: TrustBundleSet = bundles, now?: Date): string {
  try {
    verifyX509Svid(chain, set, now === undefined ? undefined : { now });
  } catch (err) {
    expect(err).toBeInstanceOf(SvidError);
    expect((err as SvidError).code).toBe('ERR_SVID_INVALID');
    return (err as SvidError).reason;
  }
  return 'accepted';
}

describe('verifyX509Svid accepts', () => {
  it('a leaf issued by a root of its trust domain', () => {
    const svid = a.issueSvid({ path: '/ns/shop/sa/frontend' });
    const id = verifyX509Svid(svid.chain, bundles);
    expect(id.toString()).toBe('spiffe://a.test/ns/shop/sa/frontend');
    expect(id.trustDomain.name).toBe('a.test');
  });

  it('DER, Uint8Array and X509Certificate inputs', () => {
    const svid = a.issueSvid();
    expect(verifyX509Svid([new Uint8Array(svid.der)], bundles).toString()).toBe(svid.id);
    expect(verifyX509Svid([svid.cert], bundles).toString()).toBe(svid.id);
  });

  it('a chain through intermediates, in any order, with or without the root at the end', () => {
    const i1 = a.createIntermediate();
    const i2 = i1.createIntermediate();
    const svid = i2.issueSvid({ path: '/deep' });
    expect(svid.chain).toHaveLength(3);
    expect(verifyX509Svid(svid.chain, bundles).toString()).toBe('spiffe://a.test/deep');
    const [leaf, c2, c1] = svid.chain as [Buffer, Buffer, Buffer];
    expect(verifyX509Svid([leaf, c1, c2], bundles).path).toBe('/deep');
    expect(verifyX509Svid([leaf, c2, c1, a.der], bundles).path).toBe('/deep');
  });

  it('an intermediate that is itself in the bundle (a non-self-signed anchor)', () => {
    const issuing = a.createIntermediate();
    const set = TrustBundleSet.from({ 'a.test': issuing.certPem });
    expect(verifyX509Svid([issuing.issueSvid().der], set).path).toBe('/ns/default/sa/default');
  });

  it('any of several roots of a trust domain (rotation)', () => {
    const next = createDevCa({ trustDomain: 'a.test' });
    const set = TrustBundleSet.from(bundle(a, next));
    expect(set.get('a.test')).toHaveLength(2);
    expect(reasonOf(a.issueSvid().chain, set)).toBe('accepted');
    expect(reasonOf(next.issueSvid().chain, set)).toBe('accepted');
  });

  it('leaves without EKU, with clientAuth only, with DNS SANs and a subject', () => {
    expect(reasonOf(a.issueSvid({ extKeyUsage: null }).chain)).toBe('accepted');
    expect(reasonOf(a.issueSvid({ extKeyUsage: ['clientAuth'] }).chain)).toBe('accepted');
    expect(reasonOf(a.issueSvid({ dnsNames: ['frontend.shop.svc'], commonName: 'frontend', keyUsage: ['digitalSignature', 'keyEncipherment'] }).chain)).toBe('accepted');
  });

  it.each(['P-384', 'Ed25519', 'RSA-2048'] as const)('%s keys', (keyAlgorithm) => {
    const ca = createDevCa({ trustDomain: 'k.test', keyAlgorithm });
    const svid = ca.issueSvid({ keyAlgorithm });
    expect(verifyX509Svid(svid.chain, TrustBundleSet.from(bundle(ca))).toString()).toBe(svid.id);
  });

  it('validity windows to the second, inclusive at both ends, in UTCTime and GeneralizedTime', () => {
    const notBefore = new Date('2049-12-31T23:00:00Z');
    const notAfter = new Date('2050-01-01T01:00:00Z'); // GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5)
    const ca = createDevCa({ trustDomain: 't.test', notBefore: new Date('2049-01-01T00:00:00Z'), notAfter: new Date('2051-01-01T00:00:00Z') });
    const set = TrustBundleSet.from(bundle(ca));
    const chain = ca.issueSvid({ notBefore, notAfter }).chain;
    expect(reasonOf(chain, set, notBefore)).toBe('accepted');
    expect(reasonOf(chain, set, notAfter)).toBe('accepted');
    expect(reasonOf(chain, set, new Date(notBefore.getTime() - 1000))).toBe('not-yet-valid');
    expect(reasonOf(chain, set, new Date(notAfter.getTime() + 1000))).toBe('expired');
  });

  it('a certificate outside today’s window when `now` falls inside it', () => {
    const later = new Date(Date.now() + 30 * 24 * HOUR);
    const svid = a.issueSvid({ notBefore: new Date(later.getTime() - HOUR), notAfter: new Date(later.getTime() + HOUR) });
    expect(reasonOf(svid.chain)).toBe('not-yet-valid');
    expect(reasonOf(svid.chain, bundles, later)).toBe('accepted');
  });
});

describe('verifyX509Svid rejects', () => {
  const past = new Date(Date.now() - 2 * HOUR);
  const recent = new Date(Date.now() - HOUR);
  const future = new Date(Date.now() + HOUR);
  const unknownCritical = { oid: '1.3.6.1.4.1.55555.1', critical: true, value: new Uint8Array([0x05, 0x00]) };
  const intermediate = a.createIntermediate();
  const strangerA = createDevCa({ trustDomain: 'a.test' });
  const c = createDevCa({ trustDomain: 'c.test' });
  const pathLenZero = createDevCa({ trustDomain: 'p.test', pathLen: 0 });

  const oldRoot = createDevCa({ trustDomain: 'old.test', notBefore: past, notAfter: recent });

  // One row per failure: [reason, what is wrong, chain, bundles (default: a.test and b.test)].
  const cases: [string, string, () => Chain, TrustBundleSet?][] = [
    ['no-certificate', 'an empty chain', () => []],
    ['chain-too-long', 'eleven certificates', () => [a.issueSvid().der, ...Array<Buffer>(10).fill(a.der)]],
    ['malformed-certificate', 'bytes that are not a certificate', () => [Buffer.from('not a certificate')]],
    ['malformed-certificate', 'a SAN extension that does not parse', () => [a.issueSvid({ uris: [], extensions: [{ oid: '2.5.29.17', critical: false, value: new Uint8Array([0x30, 0x03, 0x86]) }] }).der]],
    ['uri-san-count', 'no URI SAN', () => a.issueSvid({ uris: [] }).chain],
    ['uri-san-count', 'two URI SANs', () => a.issueSvid({ uris: ['spiffe://a.test/one', 'spiffe://a.test/two'] }).chain],
    ['invalid-spiffe-id', 'an https URI', () => a.issueSvid({ uris: ['https://a.test/workload'] }).chain],
    ['invalid-spiffe-id', 'an uppercase trust domain', () => a.issueSvid({ uris: ['spiffe://A.test/workload'] }).chain],
    ['no-path', 'a trust-domain-only ID', () => a.issueSvid({ uris: ['spiffe://a.test'] }).chain],
    ['leaf-is-ca', 'cA true', () => a.issueSvid({ isCa: true }).chain],
    ['key-usage-missing', 'no keyUsage', () => a.issueSvid({ keyUsage: null }).chain],
    ['key-usage-not-critical', 'a non-critical keyUsage', () => a.issueSvid({ keyUsageCritical: false }).chain],
    ['digital-signature-missing', 'keyEncipherment only', () => a.issueSvid({ keyUsage: ['keyEncipherment'] }).chain],
    ['leaf-can-sign-certificates', 'keyCertSign', () => a.issueSvid({ keyUsage: ['digitalSignature', 'keyCertSign'] }).chain],
    ['leaf-can-sign-crls', 'cRLSign', () => a.issueSvid({ keyUsage: ['digitalSignature', 'cRLSign'] }).chain],
    ['ext-key-usage', 'serverAuth only', () => a.issueSvid({ extKeyUsage: ['serverAuth'] }).chain],
    ['ext-key-usage', 'anyExtendedKeyUsage only', () => a.issueSvid({ extKeyUsage: ['any'] }).chain],
    ['unhandled-critical-extension', 'an unknown critical extension on the leaf', () => a.issueSvid({ extensions: [unknownCritical] }).chain],
    ['expired', 'an expired leaf', () => a.issueSvid({ notBefore: past, notAfter: recent }).chain],
    ['not-yet-valid', 'a leaf valid from the future', () => a.issueSvid({ notBefore: future }).chain],
    ['unknown-trust-domain', 'a trust domain without bundle', () => c.issueSvid().chain],
    ['untrusted-chain', 'another CA of the same trust domain name', () => strangerA.issueSvid().chain],
    ['untrusted-chain', 'a missing intermediate', () => [intermediate.issueSvid().der]],
    ['intermediate-not-ca', 'an intermediate with cA false', () => a.createIntermediate({ isCa: false }).issueSvid().chain],
    ['intermediate-cannot-sign', 'an intermediate without keyUsage', () => a.createIntermediate({ keyUsage: null }).issueSvid().chain],
    ['unhandled-critical-extension', 'an unknown critical extension on an intermediate', () => a.createIntermediate({ extensions: [unknownCritical] }).issueSvid().chain],
    ['expired', 'an expired intermediate', () => a.createIntermediate({ notBefore: past, notAfter: recent }).issueSvid().chain],
    ['expired', 'an expired root', () => oldRoot.issueSvid().chain, TrustBundleSet.from(bundle(oldRoot))],
    ['path-length-exceeded', 'a root with pathLen 0 above an intermediate', () => pathLenZero.createIntermediate().issueSvid().chain, TrustBundleSet.from(bundle(pathLenZero))],
    ['path-length-exceeded', 'an intermediate with pathLen 0 above another', () => a.createIntermediate({ pathLen: 0 }).createIntermediate().issueSvid().chain],
  ];

  // Every row gets all four columns: jest passes a `done` callback to a test function that
  // declares more parameters than the row has values.
  it.each(cases.map(([reason, what, chain, set]) => [reason, what, chain, set ?? bundles] as const))('%s: %s', (reason, _what, chain, set) => {
    expect(reasonOf(chain(), set)).toBe(reason);
  });

  it('a leaf claiming trust domain A signed by trust domain B’s CA, with both bundles loaded', () => {
    const forged = a.issueSvid({ signer: b, path: '/ns/shop/sa/admin' });
    expect(forged.id).toBe('spiffe://a.test/ns/shop/sa/admin');
    expect(forged.cert.verify(b.cert.publicKey)).toBe(true);
    expect(reasonOf(forged.chain)).toBe('untrusted-chain');
    // Presenting B's root, or an intermediate of B, does not help: only a.test's roots anchor a.test IDs.
    expect(reasonOf([...forged.chain, b.der])).toBe('untrusted-chain');
    const bIntermediate = b.createIntermediate({ trustDomain: 'a.test' });
    expect(reasonOf(bIntermediate.issueSvid().chain)).toBe('untrusted-chain');
    // While B's own IDs from B's CA are fine.
    expect(reasonOf(b.issueSvid().chain)).toBe('accepted');
  });

  it('a leaf of a trust domain that has no bundle, even when signed by a loaded root', () => {
    expect(reasonOf(a.issueSvid({ id: 'spiffe://c.test/x' }).chain)).toBe('unknown-trust-domain');
  });

  it('an invalid `now` option instead of silently accepting every window', () => {
    expect(() => verifyX509Svid(a.issueSvid().chain, bundles, { now: new Date(NaN) })).toThrow('"now" option must be a valid Date');
  });

  it('with messages that say what failed', () => {
    expect(() => verifyX509Svid(a.issueSvid({ uris: ['spiffe://a.test/1', 'spiffe://a.test/2'] }).chain, bundles)).toThrow(
      'invalid X.509-SVID: the leaf must have exactly one URI SAN, it has 2',
    );
    expect(() => verifyX509Svid(c.issueSvid().chain, bundles)).toThrow('there is no trust bundle for the trust domain "c.test" of spiffe://c.test/ns/default/sa/default');
  });

  it('reads URI SANs from the extension, not from Node’s display string', () => {
    // Node JSON-quotes this value in subjectAltName; the extension holds one URI with a comma.
    const svid = a.issueSvid({ uris: ['spiffe://a.test/a, URI:spiffe://evil.test/x'] });
    expect(new X509Certificate(svid.der).subjectAltName).toContain('"');
    expect(reasonOf(svid.chain)).toBe('invalid-spiffe-id');
  });
});
