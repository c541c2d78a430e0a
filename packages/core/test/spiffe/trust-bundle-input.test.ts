import { describe, expect, it } from '@jest/globals';
import { TrustBundleSet, type TrustBundleInput } from '../../src/spiffe/trust-bundle.js';
import { TrustBundleError, type TrustBundleErrorReason } from '../../src/spiffe/trust-bundle-error.js';
import { parsePem, PemSyntaxError } from '../../src/spiffe/pem.js';

// Input handling that needs no certificate. Loading real roots is tested in
// packages/testkit/test/trust-bundle.test.ts with certificates minted by the testkit.

function failure(input: TrustBundleInput): TrustBundleError {
  try {
    TrustBundleSet.from(input);
  } catch (err) {
    expect(err).toBeInstanceOf(TrustBundleError);
    return err as TrustBundleError;
  }
  throw new Error('expected TrustBundleSet.from to throw');
}

describe('TrustBundleSet.from input errors', () => {
  it.each<[string, TrustBundleInput, TrustBundleErrorReason, string]>([
    ['a string that is not PEM is never taken for a path', { 'example.org': '/etc/certs/root.pem' }, 'not-pem', 'PEM text is not PEM (no "-----BEGIN" line); pass { file: path } to read a file'],
    ['bytes that are not PEM', { 'example.org': Buffer.from([0x30, 0x82, 0x01, 0x00]) }, 'not-pem', 'PEM bytes is not PEM'],
    ['an unreadable file', { 'example.org': { file: '/nonexistent/root.pem' } }, 'unreadable-file', 'cannot read file "/nonexistent/root.pem": ENOENT'],
    ['an invalid trust domain key', { 'Example.org': '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n' }, 'invalid-trust-domain', 'the key is not a valid trust domain name'],
    ['a SPIFFE ID as key', { 'spiffe://example.org': '' }, 'invalid-trust-domain', 'not a SPIFFE ID'],
    ['PEM without a certificate', { 'example.org': '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }, 'no-certificate', 'contains no CERTIFICATE block'],
    ['an unterminated block', { 'example.org': '-----BEGIN CERTIFICATE-----\nAAAA\n' }, 'malformed-pem', 'has no "-----END CERTIFICATE-----" line'],
    ['a body that is not base64', { 'example.org': '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n' }, 'malformed-pem', 'is not base64'],
    ['a certificate that does not parse', { 'example.org': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, 'malformed-certificate', 'certificate 1 of PEM text is not a valid X.509 certificate'],
    ['an empty list', { 'example.org': [] }, 'no-certificate', 'the list of sources is empty'],
    ['a source of the wrong type', { 'example.org': 42 as unknown as string }, 'invalid-source', 'must be PEM text, PEM bytes or { file: path }'],
  ])('%s', (_name, input, reason, message) => {
    const err = failure(input);
    expect(err.code).toBe('ERR_TRUST_BUNDLE_INVALID');
    expect(err.reason).toBe(reason);
    expect(err.trustDomain).toBe(Object.keys(input)[0]);
    expect(err.message).toContain(`trust bundle for ${JSON.stringify(Object.keys(input)[0])}: `);
    expect(err.message).toContain(message);
  });

  it('numbers entries of a list in messages', () => {
    const err = failure({ 'example.org': [{ file: '/nonexistent/a.pem' }, 'nope'] });
    expect(err.message).toContain('entry 0 (file "/nonexistent/a.pem")');
  });

  it('accepts an empty record and returns an existing set unchanged', () => {
    const set = TrustBundleSet.from({});
    expect(set.trustDomains).toEqual([]);
    expect(set.get('example.org')).toBeUndefined();
    expect(TrustBundleSet.from(set)).toBe(set);
  });
});

describe('parsePem', () => {
  it('returns undefined for text without PEM and skips text between blocks', () => {
    expect(parsePem('hello')).toBeUndefined();
    const blocks = parsePem('subject=CN=x\n-----BEGIN A-----\nAQID\n-----END A-----\nissuer=...\n-----BEGIN B-----\r\nBAUG\r\n-----END B-----\n');
    expect(blocks?.map((b) => [b.label, [...b.der]])).toEqual([
      ['A', [1, 2, 3]],
      ['B', [4, 5, 6]],
    ]);
  });

  it('throws PemSyntaxError for a BEGIN line without its dashes', () => {
    expect(() => parsePem('-----BEGIN CERTIFICATE')).toThrow(PemSyntaxError);
  });
});
