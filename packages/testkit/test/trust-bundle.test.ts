import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { TrustBundleSet, type TrustBundleInput } from '@meshauth/core';
import { bundle } from '../src/bundle.js';
import { createDevCa } from '../src/dev-ca.js';

// TrustBundleSet.from with real roots minted by the testkit; input errors that need no
// certificate are covered in packages/core/test/spiffe/trust-bundle-input.test.ts.

const dir = mkdtempSync(join(tmpdir(), 'meshauth-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const a = createDevCa({ trustDomain: 'a.test' });
const a2 = createDevCa({ trustDomain: 'a.test' });
const b = createDevCa({ trustDomain: 'b.test' });

function failure(input: TrustBundleInput): { code: string; reason: string; trustDomain: string; message: string } {
  try {
    TrustBundleSet.from(input);
  } catch (err) {
    return err as { code: string; reason: string; trustDomain: string; message: string };
  }
  throw new Error('expected TrustBundleSet.from to throw');
}

describe('TrustBundleSet.from', () => {
  it('loads PEM text, PEM bytes and PEM files, keeping each trust domain apart', () => {
    const file = join(dir, 'b.pem');
    writeFileSync(file, `# comment line\n${b.certPem}`);
    const set = TrustBundleSet.from({ 'a.test': [a.certPem, Buffer.from(a2.certPem)], 'b.test': { file } });
    expect(set.trustDomains).toEqual(['a.test', 'b.test']);
    expect(set.get('a.test')?.map((c) => c.fingerprint256)).toEqual([a.cert.fingerprint256, a2.cert.fingerprint256]);
    expect(set.get('b.test')?.map((c) => c.fingerprint256)).toEqual([b.cert.fingerprint256]);
    expect(set.get('c.test')).toBeUndefined();
    expect(Object.isFrozen(set.get('a.test'))).toBe(true);
  });

  it('reads several CERTIFICATE blocks from one PEM and keeps duplicates once', () => {
    const set = TrustBundleSet.from({ 'a.test': a.certPem + a2.certPem + a.certPem });
    expect(set.get('a.test')).toHaveLength(2);
  });

  it('accepts the output of the testkit bundle helper', () => {
    const set = TrustBundleSet.from(bundle(a, b, a.createIntermediate()));
    expect(set.trustDomains).toEqual(['a.test', 'b.test']);
    expect(set.get('a.test')).toHaveLength(1);
  });

  it('rejects a root that is not a CA, naming the trust domain', () => {
    const leaf = a.issueSvid();
    const err = failure({ 'a.test': leaf.certPem });
    expect(err).toMatchObject({ code: 'ERR_TRUST_BUNDLE_INVALID', reason: 'not-ca', trustDomain: 'a.test' });
    expect(err.message).toBe('trust bundle for "a.test": certificate 1 of PEM text is not a CA certificate (basicConstraints cA is not true)');
  });

  it('rejects a CA whose keyUsage lacks keyCertSign', () => {
    const noSign = createDevCa({ trustDomain: 'a.test', keyUsage: ['digitalSignature'] });
    expect(failure({ 'a.test': noSign.certPem })).toMatchObject({ reason: 'not-ca' });
  });

  it('rejects a root with a critical extension it would not process', () => {
    const constrained = createDevCa({ trustDomain: 'a.test', extensions: [{ oid: '2.5.29.30', critical: true, value: new Uint8Array([0x30, 0x00]) }] });
    const err = failure({ 'a.test': constrained.certPem });
    expect(err).toMatchObject({ reason: 'unhandled-critical-extension' });
    expect(err.message).toContain('nameConstraints (2.5.29.30)');
  });

  it('names the failing file', () => {
    const file = join(dir, 'key.pem');
    writeFileSync(file, a.keyPem);
    const err = failure({ 'a.test': { file } });
    expect(err).toMatchObject({ reason: 'no-certificate' });
    expect(err.message).toContain(`file ${JSON.stringify(file)} contains no CERTIFICATE block`);
  });
});
