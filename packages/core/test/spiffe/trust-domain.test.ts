import { describe, expect, it } from '@jest/globals';
import { TrustDomainError, type TrustDomainErrorReason } from '../../src/spiffe/spiffe-id-error.js';
import { TrustDomain } from '../../src/spiffe/trust-domain.js';

function reasonOf(name: string): TrustDomainErrorReason | 'ok' {
  try {
    TrustDomain.parse(name);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(TrustDomainError);
    expect((err as TrustDomainError).code).toBe('ERR_TRUST_DOMAIN_INVALID');
    return (err as TrustDomainError).reason;
  }
}

describe('TrustDomain.parse', () => {
  // SPIFFE-ID.md §2.1; go-spiffe spiffeid/trustdomain_test.go TestTrustDomainFromString.
  it.each(['trustdomain', 'cluster.local', 'a', '-x.org', '.', '_', '10.0.0.1', 'xn--bcher-kva.example', 'a'.repeat(255)])(
    'accepts %s',
    (name) => {
      const td = TrustDomain.parse(name);
      expect(td.name).toBe(name);
      expect(td.idString()).toBe(`spiffe://${name}`);
      expect(String(td)).toBe(name);
      expect(JSON.stringify(td)).toBe(JSON.stringify(name));
    },
  );

  it.each<[string, TrustDomainErrorReason]>([
    ['', 'empty'],
    ['a'.repeat(256), 'trust-domain-too-long'],
    // Uppercase is invalid and never lowercased (identity-and-xfcc.md §3).
    ['Trustdomain', 'bad-trust-domain-char'],
    ['TRUSTDOMAIN', 'bad-trust-domain-char'],
    ['trust domain', 'bad-trust-domain-char'],
    [' trustdomain', 'bad-trust-domain-char'],
    ['trustdomain\n', 'bad-trust-domain-char'],
    ['trust/domain', 'bad-trust-domain-char'],
    ['trustdomain:8080', 'port'],
    ['user@trustdomain', 'userinfo'],
    ['user:pw@trustdomain', 'userinfo'],
    ['%62ad', 'percent-encoding'],
    ['bücher', 'non-ascii'],
    // go-spiffe accepts full IDs here; a bare name is required instead.
    ['spiffe://trustdomain', 'spiffe-id'],
    ['spiffe://trustdomain/path', 'spiffe-id'],
    ['SPIFFE://trustdomain', 'spiffe-id'],
  ])('rejects %j (%s)', (name, reason) => {
    expect(reasonOf(name)).toBe(reason);
  });

  it('rejects every character outside [a-z0-9._-] (go-spiffe char loop)', () => {
    const allowed = 'abcdefghijklmnopqrstuvwxyz0123456789.-_';
    for (let i = 0; i < 256; i++) {
      const c = String.fromCharCode(i);
      expect(reasonOf(`trust${c}domain`) === 'ok').toBe(allowed.includes(c));
    }
  });

  it('names the rule and the character in its message', () => {
    expect(() => TrustDomain.parse('Example.org')).toThrow(
      'invalid trust domain name: trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores (found "E" at index 0)',
    );
    expect(() => TrustDomain.parse('spiffe://example.org')).toThrow('must be a bare name such as "example.org", not a SPIFFE ID');
  });

  it('compares names byte-exactly', () => {
    expect(TrustDomain.parse('a.org').equals(TrustDomain.parse('a.org'))).toBe(true);
    expect(TrustDomain.parse('a.org').equals(TrustDomain.parse('b.org'))).toBe(false);
  });
});
