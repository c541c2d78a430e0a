import { describe, expect, it } from '@jest/globals';
import { MeshAuthError, OptionError } from '../../src/errors.js';
import { XfccError, type XfccErrorReason } from '../../src/peer/xfcc-error.js';
import { XFCC_DEFAULT_MAX_LENGTH, parseXfcc, type XfccElement } from '../../src/peer/xfcc-parse.js';

/** An element with every field at its "absent" value, overridden by `fields`. */
function el(fields: Partial<XfccElement>): XfccElement {
  return { by: [], hash: null, cert: null, chain: null, subject: null, uri: [], dns: [], ...fields };
}

const LYFT_HASH_1 = '468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688';
const LYFT_HASH_2 = '9ba61d6425303443c0748a02dd8de688468ed33be74eee6556d90c0149c1309e';
const ISTIO_HASH = 'e0f3c8ce5e2ea305f0701ff512e36e2e97928284a228bcf77332d33930a1b6fd';
const ORDERS = 'spiffe://cluster.local/ns/shop/sa/orders';
const FRONTEND = 'spiffe://cluster.local/ns/shop/sa/frontend';
const ADMIN = 'spiffe://cluster.local/ns/shop/sa/admin';

// [name and source, header, expected elements]
const valid: ReadonlyArray<readonly [string, string, XfccElement[]]> = [
  // envoy: docs/root/configuration/http/http_conn_man/headers.rst, example 1
  [
    'Envoy docs example 1: one element with the legacy slash-form Subject',
    `By=http://frontend.lyft.com;Hash=${LYFT_HASH_1};Subject="/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client";URI=http://testclient.lyft.com`,
    [el({ by: ['http://frontend.lyft.com'], hash: LYFT_HASH_1, subject: '/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client', uri: ['http://testclient.lyft.com'] })],
  ],
  // headers.rst, example 2: the last element is the nearest proxy's view of its caller
  [
    'Envoy docs example 2: two elements, oldest first',
    `By=http://frontend.lyft.com;Hash=${LYFT_HASH_1};URI=http://testclient.lyft.com,By=http://backend.lyft.com;Hash=${LYFT_HASH_2};URI=http://frontend.lyft.com`,
    [
      el({ by: ['http://frontend.lyft.com'], hash: LYFT_HASH_1, uri: ['http://testclient.lyft.com'] }),
      el({ by: ['http://backend.lyft.com'], hash: LYFT_HASH_2, uri: ['http://frontend.lyft.com'] }),
    ],
  ],
  // headers.rst, example 3: one DNS pair per DNS SAN
  [
    'Envoy docs example 3: URI and two DNS SANs',
    `By=http://frontend.lyft.com;Hash=${LYFT_HASH_1};Subject="/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client";URI=http://testclient.lyft.com;DNS=lyft.com;DNS=www.lyft.com`,
    [el({ by: ['http://frontend.lyft.com'], hash: LYFT_HASH_1, subject: '/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client', uri: ['http://testclient.lyft.com'], dns: ['lyft.com', 'www.lyft.com'] })],
  ],
  // istio: pilot/pkg/networking/core/listener_inbound.go (APPEND_FORWARD, Subject/URI/DNS); reference §2
  [
    'Istio default inbound sidecar header',
    `By=${ORDERS};Hash=${ISTIO_HASH};Subject="";URI=${FRONTEND}`,
    [el({ by: [ORDERS], hash: ISTIO_HASH, subject: '', uri: [FRONTEND] })],
  ],
  // istio: tests/integration/security/file_mounted_certs/p2p_mtls_test.go (custom certs)
  [
    'Istio with file-mounted certs: Subject and DNS present',
    `By=${ORDERS};Hash=${ISTIO_HASH};Subject="CN=frontend.shop.svc";URI=${FRONTEND};DNS=frontend.shop.svc`,
    [el({ by: [ORDERS], hash: ISTIO_HASH, subject: 'CN=frontend.shop.svc', uri: [FRONTEND], dns: ['frontend.shop.svc'] })],
  ],
  // envoy: test/integration/xfcc_integration_test.h (previous_xfcc_, current_xfcc_by_hash_, client_subject_, ...)
  [
    'Envoy integration test: RFC 2253 Subject with "," and "=" inside quotes, appended to a previous element',
    'By=spiffe://lyft.com/frontend;Hash=123456;URI=spiffe://lyft.com/testclient,' +
      `By=spiffe://lyft.com/backend-team;Hash=${ISTIO_HASH};` +
      'Subject="emailAddress=frontend-team@lyft.com,CN=Test Frontend Team,OU=Lyft Engineering,O=Lyft,L=San Francisco,ST=California,C=US";' +
      'URI=spiffe://lyft.com/frontend-team;DNS=lyft.com;DNS=www.lyft.com',
    [
      el({ by: ['spiffe://lyft.com/frontend'], hash: '123456', uri: ['spiffe://lyft.com/testclient'] }),
      el({
        by: ['spiffe://lyft.com/backend-team'],
        hash: ISTIO_HASH,
        subject: 'emailAddress=frontend-team@lyft.com,CN=Test Frontend Team,OU=Lyft Engineering,O=Lyft,L=San Francisco,ST=California,C=US',
        uri: ['spiffe://lyft.com/frontend-team'],
        dns: ['lyft.com', 'www.lyft.com'],
      }),
    ],
  ],
  // older envoy xfcc_integration_test.h previous_xfcc_ used the legacy SAN key
  [
    'legacy SAN key is ignored, the element still exists',
    'By=spiffe://lyft.com/frontend;Hash=123456;SAN=spiffe://lyft.com/testclient',
    [el({ by: ['spiffe://lyft.com/frontend'], hash: '123456' })],
  ],
  // envoy: test/common/http/conn_manager_utility_test.cc MtlsAppendForwardClientCert
  [
    'conn_manager_utility_test MtlsAppendForwardClientCert: duplicate DNS kept, Cert percent-decoded',
    'By=test://foo.com/fe;URI=test://bar.com/be;DNS=test.com;DNS=test.com,By=test://foo.com/be;Hash=abcdefg;URI=test://foo.com/fe;Cert="%3D%3Dabc%0Ade%3D";DNS=www.example.com',
    [
      el({ by: ['test://foo.com/fe'], uri: ['test://bar.com/be'], dns: ['test.com', 'test.com'] }),
      el({ by: ['test://foo.com/be'], hash: 'abcdefg', uri: ['test://foo.com/fe'], cert: '==abc\nde=', dns: ['www.example.com'] }),
    ],
  ],
  // conn_manager_utility_test.cc MtlsAppendForwardClientCertLocalSanEmpty: no By when the local cert has no URI SAN
  [
    'conn_manager_utility_test LocalSanEmpty: element without By',
    'By=test://foo.com/fe;Hash=xyz;URI=test://bar.com/be,Hash=abcdefg;URI=test://foo.com/fe',
    [el({ by: ['test://foo.com/fe'], hash: 'xyz', uri: ['test://bar.com/be'] }), el({ hash: 'abcdefg', uri: ['test://foo.com/fe'] })],
  ],
  // conn_manager_utility.cc: "The URI key still exists even if the URI is empty"
  ['empty URI= written by Envoy for a peer without URI SAN is dropped', `By=${ORDERS};Hash=abc;URI=`, [el({ by: [ORDERS], hash: 'abc' })]],
  // ambient waypoint: istio pilot/pkg/xds/filters/filters.go WaypointXFCCClientIdentityFilter
  ['waypoint overwrite: By and URI only', `By=${ORDERS};URI=${FRONTEND}`, [el({ by: [ORDERS], uri: [FRONTEND] })]],

  // Quoting and escaping (reference §1.4 rules 1 and 3)
  ['",", ";" and "=" inside a quoted Subject', 'Subject="CN=a;b,c=d";URI=x', [el({ subject: 'CN=a;b,c=d', uri: ['x'] })]],
  ['\\" inside quotes is a quote', String.raw`Subject="CN=\"quoted\" name";URI=x`, [el({ subject: 'CN="quoted" name', uri: ['x'] })]],
  ['\\\\ inside quotes is one backslash', String.raw`Subject="a\\b"`, [el({ subject: String.raw`a\b` })]],
  ['other backslashes are kept (RFC 2253 \\, escape, \\n)', String.raw`Subject="CN=a\,b\n"`, [el({ subject: String.raw`CN=a\,b\n` })]],
  ['an even backslash run before a quote closes the string', String.raw`Subject="a\\";URI=x`, [el({ subject: 'a\\', uri: ['x'] })]],
  ['an odd backslash run before a quote escapes it', String.raw`Subject="a\\\"b";URI=x`, [el({ subject: String.raw`a\"b`, uri: ['x'] })]],
  ['escapes are also unescaped in unquoted values', String.raw`URI=a\"b;DNS=c\\d;By=e\f`, [el({ uri: ['a"b'], dns: [String.raw`c\d`], by: [String.raw`e\f`] })]],
  ['any key may be quoted', 'URI="spiffe://td/a,b;c";By="x"', [el({ uri: ['spiffe://td/a,b;c'], by: ['x'] })]],
  ['quoted values keep their inner whitespace', 'Subject="  CN=a  "', [el({ subject: '  CN=a  ' })]],
  ['non-ASCII passes through', 'Subject="CN=café";URI=spiffe://td/ü', [el({ subject: 'CN=café', uri: ['spiffe://td/ü'] })]],

  // Cert / Chain percent-decoding (connection_info_impl_base.cc urlEncodedPemEncodedPeerCertificate)
  [
    'Cert: the five substitutions decode; %2B and a literal + both stay +',
    'Cert="-----BEGIN%20CERTIFICATE-----%0AMII%2B%2Fab+c%3D%3D%0A-----END%20CERTIFICATE-----%0A"',
    [el({ cert: '-----BEGIN CERTIFICATE-----\nMII+/ab+c==\n-----END CERTIFICATE-----\n' })],
  ],
  ['Chain is percent-decoded too', 'Chain="a%0Ab%0A";Cert="a%0A"', [el({ chain: 'a\nb\n', cert: 'a\n' })]],
  ['Cert decodes UTF-8 sequences', 'Cert="caf%C3%A9"', [el({ cert: 'café' })]],
  ['Cert without escapes is kept', 'Cert="abc"', [el({ cert: 'abc' })]],
  ['other values are never URL-decoded', 'URI=spiffe://td/%70age;Subject="%41";By=a+b', [el({ uri: ['spiffe://td/%70age'], subject: '%41', by: ['a+b'] })]],

  // Keys (rule 5)
  ['keys are case-insensitive', 'by=a;HASH=h;sUbJeCt="s";uri=u;Dns=d;CERT="c";chain="ch"', [el({ by: ['a'], hash: 'h', subject: 's', uri: ['u'], dns: ['d'], cert: 'c', chain: 'ch' })]],
  ['values are split at the first "=" only', 'URI=http://x/?a=b&c==d', [el({ uri: ['http://x/?a=b&c==d'] })]],
  ['unknown keys (all token characters) are ignored', "X-Custom=1;URI=a;!#$%&'*+-.^_`|~09az=2", [el({ uri: ['a'] })]],
  ['an element of unknown keys only still exists', 'Foo=bar,URI=a', [el({}), el({ uri: ['a'] })]],
  ['near-miss keys are unknown, not aliases', 'Bye=a;URIs=b;Hashes=c;Subjects=d', [el({})]],

  // Repeatable and single-valued keys (rule 4)
  [
    'By, URI and DNS repeat in order, duplicates kept',
    'By=b1;By=b2;URI=u1;URI=u2;URI=u1;DNS=d2;DNS=d1',
    [el({ by: ['b1', 'b2'], uri: ['u1', 'u2', 'u1'], dns: ['d2', 'd1'] })],
  ],
  ['empty By/URI/DNS values are dropped', 'By=;URI=;DNS=;By=a', [el({ by: ['a'] })]],
  ['empty single-valued keys give "" (present), not null', 'Hash=;Subject="";Cert="";Chain=', [el({ hash: '', subject: '', cert: '', chain: '' })]],
  ['single-valued keys may repeat across elements', 'Hash=a;Subject="x",Hash=b;Subject="y"', [el({ hash: 'a', subject: 'x' }), el({ hash: 'b', subject: 'y' })]],

  // Empty things and whitespace (rules 6 and the OWS grammar)
  ['empty header', '', []],
  ['whitespace-only header', ' \t  ', []],
  ['separators only', ',;, ;,', []],
  ['empty elements and pairs are skipped', ',,By=a;;URI=b;,,', [el({ by: ['a'], uri: ['b'] })]],
  ['OWS around separators and "=" is trimmed', ' \tBy = a ;\tURI =\tb\t, DNS= c ', [el({ by: ['a'], uri: ['b'] }), el({ dns: ['c'] })]],
  ['OWS between a closing quote and the separator', 'Subject="x" \t;URI=y', [el({ subject: 'x', uri: ['y'] })]],
  ['inner spaces of unquoted values are kept', 'Subject=CN=a b ;URI=x', [el({ subject: 'CN=a b', uri: ['x'] })]],
  // node: lib/_http_incoming.js joins repeated x-forwarded-client-cert lines with ", "
  [
    'repeated header lines joined by Node with ", "',
    `By=${ORDERS};URI=${ADMIN}, By=${ORDERS};Hash=${ISTIO_HASH};Subject="";URI=${FRONTEND}`,
    [el({ by: [ORDERS], uri: [ADMIN] }), el({ by: [ORDERS], hash: ISTIO_HASH, subject: '', uri: [FRONTEND] })],
  ],

  // Injection shapes (reference §1.6): By/URI are written unquoted, so a URI SAN with "," or ";"
  // splits into extra pairs and elements. The parser reports what is there; peer selection must
  // require one element (SANITIZE_SET) and a valid SPIFFE ID, which cannot contain ",", ";" or "=".
  [
    'URI SAN containing ",By=...;URI=..." yields an extra element',
    `By=${ORDERS};Hash=${ISTIO_HASH};Subject="";URI=https://evil/,By=${ORDERS};URI=${ADMIN}`,
    [el({ by: [ORDERS], hash: ISTIO_HASH, subject: '', uri: ['https://evil/'] }), el({ by: [ORDERS], uri: [ADMIN] })],
  ],
  [
    'URI SAN containing ";URI=..." yields an extra URI in the same element',
    `By=${ORDERS};Hash=${ISTIO_HASH};Subject="";URI=https://evil/;URI=${ADMIN}`,
    [el({ by: [ORDERS], hash: ISTIO_HASH, subject: '', uri: ['https://evil/', ADMIN] })],
  ],
  [
    'a forged element prepended by an mTLS peer stays first; the sidecar element is last',
    `By=${ORDERS};URI=${ADMIN},By=${ORDERS};Hash=${ISTIO_HASH};Subject="";URI=${FRONTEND}`,
    [el({ by: [ORDERS], uri: [ADMIN] }), el({ by: [ORDERS], hash: ISTIO_HASH, subject: '', uri: [FRONTEND] })],
  ],
];

describe('parseXfcc: valid headers', () => {
  it.each(valid)('%s', (_name, header, expected) => {
    expect(parseXfcc(header)).toEqual(expected);
  });

  it('returns elements with a stable shape and fresh arrays', () => {
    const [a, b] = parseXfcc('URI=a,URI=b');
    expect(Object.keys(a ?? {})).toEqual(['by', 'hash', 'cert', 'chain', 'subject', 'uri', 'dns']);
    expect(a?.by).not.toBe(b?.by);
  });
});

// [name, header, reason, position]
const invalid: ReadonlyArray<readonly [string, string, XfccErrorReason, number]> = [
  // Rule 2: an unterminated quote rejects the whole header and is never closed at end of input
  ['unterminated quoted Subject', 'By=a;Subject="CN=x', 'unterminated-quote', 13],
  ['quote injection: the rest of the header would be swallowed', `By=a;Subject="x,By=${ORDERS};URI=${ADMIN}`, 'unterminated-quote', 13],
  ['an escaped quote does not close the string', String.raw`Subject="abc\"`, 'unterminated-quote', 8],
  ['an odd backslash run escapes the last quote', String.raw`Subject="abc\\\"`, 'unterminated-quote', 8],
  ['unterminated quote in a later element', 'URI=a,URI=b,Subject="', 'unterminated-quote', 20],
  ['a lone quote inside an unquoted value', 'URI=a"b;DNS=c', 'unterminated-quote', 5],
  ['a quoted section inside an unquoted value', 'URI=a"b;c";DNS=d', 'quote-in-value', 5],
  ['a quote after escaped backslashes inside an unquoted value', String.raw`URI=a\\"b";DNS=d`, 'quote-in-value', 7],
  ['text after a closing quote', 'Subject="x"y;URI=z', 'text-after-quote', 11],
  ['a second quoted string after a closing quote', 'Subject="x" "y"', 'text-after-quote', 12],
  // Rule 5: pairs and keys
  ['a pair without "="', 'By', 'missing-equals', 2],
  ['a pair without "=" before ";"', 'By;URI=x', 'missing-equals', 2],
  ['a pair without "=" before ","', 'URI=x,By ,URI=y', 'missing-equals', 9],
  ['an empty key', '=x', 'empty-key', 0],
  ['an empty key after OWS', 'By=a; =x', 'empty-key', 6],
  ['a quoted key', '"By"=x', 'invalid-key', 0],
  ['whitespace inside a key', 'B y=x', 'invalid-key', 1],
  ['a separator character in a key', 'By@=x', 'invalid-key', 2],
  ['a non-ASCII key', 'Bé=x', 'invalid-key', 1],
  ['a key that is only a non-token character', 'By=a;/=x', 'invalid-key', 5],
  // Rule 4: single-valued keys
  ['duplicate Hash', 'Hash=a;Hash=b', 'duplicate-key', 7],
  ['duplicate Hash, case-insensitively', 'Hash=a;hash=b', 'duplicate-key', 7],
  ['duplicate empty Hash', 'Hash=;Hash=', 'duplicate-key', 6],
  ['duplicate Subject', 'Subject="";Subject="x"', 'duplicate-key', 11],
  ['duplicate Cert', 'Cert="a";CERT="a"', 'duplicate-key', 9],
  ['duplicate Chain', 'Chain="a";Chain="b"', 'duplicate-key', 10],
  // Rule 4: Cert/Chain percent-decoding
  ['Cert with a non-hex escape', 'Cert="%zz"', 'bad-percent-encoding', 5],
  ['Cert with a truncated escape', 'Cert="abc%4"', 'bad-percent-encoding', 5],
  ['Cert with a bare "%"', 'Cert=100%', 'bad-percent-encoding', 5],
  ['Cert with a truncated UTF-8 sequence', 'Cert="%C3"', 'bad-percent-encoding', 5],
  ['Cert with an overlong UTF-8 encoding', 'Cert="%C0%80"', 'bad-percent-encoding', 5],
  ['Cert with an encoded surrogate', 'Cert="%ED%A0%80"', 'bad-percent-encoding', 5],
  ['Chain with an invalid byte', 'URI=a;Chain="%FF"', 'bad-percent-encoding', 12],
];

describe('parseXfcc: malformed headers', () => {
  it.each(invalid)('%s', (_name, header, reason, position) => {
    let error: unknown;
    try {
      parseXfcc(header);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(XfccError);
    expect(error).toBeInstanceOf(MeshAuthError);
    expect(error).toMatchObject({ name: 'XfccError', code: 'ERR_XFCC_MALFORMED', reason, position });
  });

  it('never puts header content into the message', () => {
    expect(() => parseXfcc('Subject="TOP-SECRET-VALUE')).toThrow(/^X-Forwarded-Client-Cert is malformed at position 8: quoted value is never closed$/);
  });

  it('keeps the decoding error as the cause', () => {
    expect(() => parseXfcc('Cert="%zz"')).toThrow(expect.objectContaining({ cause: expect.any(URIError) }));
  });

  it('rejects a non-string header with a TypeError', () => {
    expect(() => parseXfcc(['By=a'] as unknown as string)).toThrow(TypeError);
  });
});

describe('parseXfcc: size limit', () => {
  it(`accepts exactly ${XFCC_DEFAULT_MAX_LENGTH} characters by default and rejects one more`, () => {
    const atLimit = `URI=${'a'.repeat(XFCC_DEFAULT_MAX_LENGTH - 4)}`;
    expect(parseXfcc(atLimit)[0]?.uri[0]).toHaveLength(XFCC_DEFAULT_MAX_LENGTH - 4);
    expect(() => parseXfcc(`${atLimit}b`)).toThrow(expect.objectContaining({ reason: 'too-large', position: XFCC_DEFAULT_MAX_LENGTH }));
  });

  it('checks the size before anything else', () => {
    // Unterminated and malformed, but too large first.
    expect(() => parseXfcc('"'.repeat(11), { maxLength: 10 })).toThrow(expect.objectContaining({ reason: 'too-large', position: 10 }));
  });

  it('takes maxLength from the options', () => {
    const big = `URI=${'a'.repeat(70_000)}`;
    expect(parseXfcc(big, { maxLength: 128 * 1024 })).toHaveLength(1);
    expect(parseXfcc('URI=a', {})).toEqual([el({ uri: ['a'] })]);
    expect(parseXfcc('', { maxLength: 0 })).toEqual([]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100' as unknown as number])('rejects maxLength %p with an OptionError', (maxLength) => {
    expect(() => parseXfcc('URI=a', { maxLength })).toThrow(OptionError);
    expect(() => parseXfcc('URI=a', { maxLength })).toThrow('"maxLength" option must be a non-negative integer');
  });
});
