import { describe, expect, it } from '@jest/globals';
import { SpiffeId } from '../../src/spiffe/spiffe-id.js';
import { SpiffeIdError, TrustDomainError, type SpiffeIdErrorReason } from '../../src/spiffe/spiffe-id-error.js';
import { TrustDomain } from '../../src/spiffe/trust-domain.js';

function reasonOf(input: string): SpiffeIdErrorReason | 'ok' {
  try {
    SpiffeId.parse(input);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(SpiffeIdError);
    expect((err as SpiffeIdError).code).toBe('ERR_SPIFFE_ID_INVALID');
    return (err as SpiffeIdError).reason;
  }
}

const TD_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789.-_';
const PATH_CHARS = TD_CHARS + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('SpiffeId.parse: valid IDs', () => {
  // spiffe/standards/SPIFFE-ID.md §2 and go-spiffe spiffeid/id_test.go TestFromString.
  it.each([
    ['spiffe://trustdomain', 'trustdomain', '', []],
    ['spiffe://trustdomain/path', 'trustdomain', '/path', ['path']],
    ['spiffe://cluster.local/ns/shop/sa/frontend', 'cluster.local', '/ns/shop/sa/frontend', ['ns', 'shop', 'sa', 'frontend']],
    // go-spiffe "reject dot segments": segments that contain dots but are not `.`/`..` are fine.
    ['spiffe://trustdomain/.path', 'trustdomain', '/.path', ['.path']],
    ['spiffe://trustdomain/..path', 'trustdomain', '/..path', ['..path']],
    ['spiffe://trustdomain/...', 'trustdomain', '/...', ['...']],
    // identity-and-xfcc.md §3: no DNS label rules; IPv4 dotted quads are plain names; punycode is ASCII.
    ['spiffe://-x.org/a', '-x.org', '/a', ['a']],
    ['spiffe://./a', '.', '/a', ['a']],
    ['spiffe://_/a', '_', '/a', ['a']],
    ['spiffe://10.0.0.1/a', '10.0.0.1', '/a', ['a']],
    ['spiffe://xn--bcher-kva.example/a', 'xn--bcher-kva.example', '/a', ['a']],
    ['spiffe://td/Mixed_Case-1.2', 'td', '/Mixed_Case-1.2', ['Mixed_Case-1.2']],
  ])('%s', (input, td, path, segments) => {
    const id = SpiffeId.parse(input);
    expect(id.trustDomain.name).toBe(td);
    expect(id.path).toBe(path);
    expect(id.segments).toEqual(segments);
    expect(id.toString()).toBe(input);
    expect(Object.isFrozen(id.segments)).toBe(true);
  });

  it('accepts every allowed trust domain and path character (go-spiffe TestFromString char loop)', () => {
    for (const c of TD_CHARS) expect(reasonOf(`spiffe://trustdomain${c}/path`)).toBe('ok');
    for (const c of PATH_CHARS) expect(reasonOf(`spiffe://trustdomain/path${c}`)).toBe('ok');
  });

  it('accepts exactly 2048 bytes and a 255-byte trust domain (SPIFFE-ID.md §2.3)', () => {
    const td = 'a'.repeat(255);
    const prefix = `spiffe://${td}/`;
    const id = prefix + 'b'.repeat(2048 - prefix.length);
    expect(id.length).toBe(2048);
    expect(SpiffeId.parse(id).trustDomain.name).toBe(td);
  });
});

describe('SpiffeId.parse: invalid IDs', () => {
  it.each<[string, SpiffeIdErrorReason]>([
    ['', 'empty'],
    // go-spiffe "reject bad scheme" and identity-and-xfcc.md §3: no case folding.
    ['s', 'wrong-scheme'],
    ['spiffe:/', 'wrong-scheme'],
    ['Spiffe://trustdomain/path', 'wrong-scheme'],
    ['SPIFFE://trustdomain/path', 'wrong-scheme'],
    ['spiffe:/x', 'wrong-scheme'],
    ['spiffe:x', 'wrong-scheme'],
    ['http://trustdomain/path', 'wrong-scheme'],
    [' spiffe://trustdomain/path', 'wrong-scheme'],
    // go-spiffe "reject missing trust domain".
    ['spiffe://', 'missing-trust-domain'],
    ['spiffe:///', 'missing-trust-domain'],
    ['spiffe:///path', 'missing-trust-domain'],
    // Trust domain characters: uppercase is invalid, never lowercased.
    ['spiffe://Trustdomain/path', 'bad-trust-domain-char'],
    ['spiffe://trust$domain', 'bad-trust-domain-char'],
    ['spiffe://[::1]/path', 'bad-trust-domain-char'],
    ['spiffe://trustdomain /path', 'bad-trust-domain-char'],
    // go-spiffe id_test.go (older URL-based parser) port / userinfo cases.
    ['spiffe://domain.test:8080/path/element', 'port'],
    ['spiffe://domain.test:/path/element', 'port'],
    ['spiffe://user:password@test.org/path/element', 'userinfo'],
    ['spiffe://user@test.org/path', 'userinfo'],
    // Query and fragment, in the trust domain or the path.
    ['spiffe://domain.test/path/element?query=1', 'query'],
    ['spiffe://domain.test?x', 'query'],
    ['spiffe://domain.test/path/element#fragment-1', 'fragment'],
    ['spiffe://domain.test#f', 'fragment'],
    // go-spiffe "reject percent encoding": never decoded.
    ['spiffe://%62%61%64/path', 'percent-encoding'],
    ['spiffe://trustdomain/%62%61%64', 'percent-encoding'],
    ['spiffe://%F0%9F%A4%AF/path', 'percent-encoding'],
    ['spiffe://trustdomain/%F0%9F%A4%AF', 'percent-encoding'],
    // ASCII only.
    ['spiffe://bücher.example/a', 'non-ascii'],
    ['spiffe://td/caf\u00e9', 'non-ascii'],
    ['spiffe://td/\u{1F92F}', 'non-ascii'],
    // go-spiffe "reject empty segments".
    ['spiffe://trustdomain/', 'trailing-slash'],
    ['spiffe://trustdomain//', 'empty-segment'],
    ['spiffe://trustdomain//path', 'empty-segment'],
    ['spiffe://trustdomain/path/', 'trailing-slash'],
    ['spiffe://trustdomain/a//b', 'empty-segment'],
    // go-spiffe "reject dot segments".
    ['spiffe://trustdomain/.', 'dot-segment'],
    ['spiffe://trustdomain/./path', 'dot-segment'],
    ['spiffe://trustdomain/path/./other', 'dot-segment'],
    ['spiffe://trustdomain/path/..', 'dot-segment'],
    ['spiffe://trustdomain/..', 'dot-segment'],
    ['spiffe://trustdomain/../path', 'dot-segment'],
    ['spiffe://trustdomain/path/../other', 'dot-segment'],
    // Path characters (go-spiffe TestFromURI `path$`, id_test.go sub-delims and gen-delims).
    ['spiffe://trustdomain/path$', 'bad-path-char'],
    ["spiffe://domain.test/p!a$t&h'/(e)l*e+m,e;n=t", 'bad-path-char'],
    ['spiffe://domain.test/pa:th/element', 'bad-path-char'],
    ['spiffe://domain.test/pa@th', 'bad-path-char'],
    ['spiffe://domain.test/path/elem[ent', 'bad-path-char'],
    ['spiffe://td/a b', 'bad-path-char'],
    ['spiffe://td/a\\b', 'bad-path-char'],
    // No trimming (identity-and-xfcc.md §3).
    ['spiffe://td/path ', 'bad-path-char'],
    ['spiffe://td/path\n', 'bad-path-char'],
    ['spiffe://td/path\u0000', 'bad-path-char'],
  ])('%j -> %s', (input, reason) => {
    expect(reasonOf(input)).toBe(reason);
  });

  it('rejects every other character below U+0100 in the trust domain and the path (go-spiffe char loop)', () => {
    for (let i = 0; i < 256; i++) {
      const c = String.fromCharCode(i);
      if (c === '/') continue;
      if (!TD_CHARS.includes(c)) expect(reasonOf(`spiffe://trustdomain${c}/path`)).not.toBe('ok');
      if (!PATH_CHARS.includes(c)) expect(reasonOf(`spiffe://trustdomain/path${c}`)).not.toBe('ok');
    }
  });

  it('enforces the 2048-byte and 255-byte limits (SPIFFE-ID.md §2.3)', () => {
    expect(reasonOf(`spiffe://td/${'a'.repeat(2048)}`)).toBe('too-long');
    expect(reasonOf(`spiffe://${'a'.repeat(256)}/x`)).toBe('trust-domain-too-long');
  });

  it('says which rule failed and where, without echoing the input', () => {
    let err = new SpiffeIdError('empty');
    try {
      SpiffeId.parse('spiffe://Example.org/secret-token');
    } catch (e) {
      err = e as SpiffeIdError;
    }
    expect(err.message).toBe('invalid SPIFFE ID: trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores (found "E" at index 9)');
    expect(err.index).toBe(9);
    expect(err.name).toBe('SpiffeIdError');
    expect(err.message).not.toContain('secret-token');
  });

  it('renders control characters as code points in messages', () => {
    expect(() => SpiffeId.parse('spiffe://td/a\nb')).toThrow('found U+000A at index 13');
  });
});

describe('SpiffeId.fromSegments', () => {
  // go-spiffe spiffeid/id_test.go TestFromSegments.
  it('builds IDs from validated segments', () => {
    expect(SpiffeId.fromSegments('trustdomain').toString()).toBe('spiffe://trustdomain');
    expect(SpiffeId.fromSegments('trustdomain', 'foo').toString()).toBe('spiffe://trustdomain/foo');
    const id = SpiffeId.fromSegments(TrustDomain.parse('trustdomain'), 'foo', 'bar');
    expect(id.toString()).toBe('spiffe://trustdomain/foo/bar');
    expect(id.path).toBe('/foo/bar');
    expect(id.segments).toEqual(['foo', 'bar']);
    expect(id.equals(SpiffeId.parse('spiffe://trustdomain/foo/bar'))).toBe(true);
  });

  it.each<[string[], SpiffeIdErrorReason]>([
    [[''], 'empty-segment'],
    [['/'], 'bad-path-char'],
    [['/foo'], 'bad-path-char'],
    [['$'], 'bad-path-char'],
    [['.'], 'dot-segment'],
    [['a', '..'], 'dot-segment'],
    [['a%20'], 'percent-encoding'],
    [['x'.repeat(2048)], 'too-long'],
  ])('rejects %j (%s)', (segments, reason) => {
    let err: unknown;
    try {
      SpiffeId.fromSegments('trustdomain', ...segments);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpiffeIdError);
    expect((err as SpiffeIdError).reason).toBe(reason);
  });

  it('rejects an invalid trust domain name with TrustDomainError', () => {
    expect(() => SpiffeId.fromSegments('Bad.Domain', 'a')).toThrow(TrustDomainError);
  });

  it('does not keep a reference to the caller array', () => {
    const segments = ['a', 'b'];
    const id = SpiffeId.fromSegments('td', ...segments);
    segments[0] = 'changed';
    expect(id.segments).toEqual(['a', 'b']);
  });
});

describe('SpiffeId comparisons', () => {
  const id = SpiffeId.parse('spiffe://domain.test/path/element');

  it('memberOf compares trust domain names byte-exactly (go-spiffe TestIDMemberOf)', () => {
    expect(id.memberOf('domain.test')).toBe(true);
    expect(id.memberOf(TrustDomain.parse('domain.test'))).toBe(true);
    expect(id.memberOf('domain2.test')).toBe(false);
    expect(id.memberOf('Domain.test')).toBe(false);
    expect(SpiffeId.parse('spiffe://domain.test').memberOf('domain.test')).toBe(true);
  });

  it('equals is byte-exact', () => {
    expect(id.equals(SpiffeId.parse('spiffe://domain.test/path/element'))).toBe(true);
    expect(id.equals(SpiffeId.parse('spiffe://domain.test/path/Element'))).toBe(false);
    expect(id.equals(SpiffeId.parse('spiffe://domain.test/path'))).toBe(false);
  });

  it('serialises as the ID string', () => {
    expect(String(id)).toBe('spiffe://domain.test/path/element');
    expect(JSON.stringify({ id })).toBe('{"id":"spiffe://domain.test/path/element"}');
  });
});
