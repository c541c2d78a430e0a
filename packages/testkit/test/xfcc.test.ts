import { describe, expect, it } from '@jest/globals';
import { buildXfcc, formatXfccElement, istioSidecarXfcc } from '../src/xfcc.js';

const ORDERS = 'spiffe://cluster.local/ns/shop/sa/orders';
const FRONTEND = 'spiffe://cluster.local/ns/shop/sa/frontend';
const ADMIN = 'spiffe://cluster.local/ns/shop/sa/admin';
const LYFT_HASH_1 = '468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688';
const LYFT_HASH_2 = '9ba61d6425303443c0748a02dd8de688468ed33be74eee6556d90c0149c1309e';

// Self-signed P-256 certificate with URI SAN spiffe://cluster.local/ns/shop/sa/frontend, made with
// `openssl req -x509 -newkey ec ...`; its DER SHA-256 was computed independently with
// `openssl x509 -outform der | sha256sum`.
const FRONTEND_CERT = `-----BEGIN CERTIFICATE-----
MIIBwTCCAWagAwIBAgIULDH7mOiEOiXceaec5LvseW+0n70wCgYIKoZIzj0EAwIw
GDEWMBQGA1UECgwNbWVzaGF1dGggdGVzdDAgFw0yNjExMjMxNjExMDRaGA8yMTI2
MTAzMDE2MTEwNFowGDEWMBQGA1UECgwNbWVzaGF1dGggdGVzdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABES1rnbePZLg05epbcxcrkHQT/Xoh5bCCx/HzFfLsyVh
EtkGnGoaeYoBRpKdyHg9SMV9yio5ufg3Y5jHXb0ja2KjgYswgYgwHQYDVR0OBBYE
FAHkO/GtytvVuD05QDd8CfeCNcNmMB8GA1UdIwQYMBaAFAHkO/GtytvVuD05QDd8
CfeCNcNmMA8GA1UdEwEB/wQFMAMBAf8wNQYDVR0RBC4wLIYqc3BpZmZlOi8vY2x1
c3Rlci5sb2NhbC9ucy9zaG9wL3NhL2Zyb250ZW5kMAoGCCqGSM49BAMCA0kAMEYC
IQCzl83+q0/dW475B14TKFMmFhZDWDRrms3uSDqLSuQCWwIhAKSu+D/7xk+K4fjv
pbmnxeawfPOFhy/waE4kHTvmqyzU
-----END CERTIFICATE-----
`;
const FRONTEND_CERT_SHA256 = '871e8f9479133941a1f6b7b80bb1137769ae269418f43e27cfbd186f79f33f19';

describe('formatXfccElement', () => {
  it("writes Istio's default sidecar element", () => {
    expect(formatXfccElement({ by: [ORDERS], hash: LYFT_HASH_1, subject: '', uri: [FRONTEND] })).toBe(
      `By=${ORDERS};Hash=${LYFT_HASH_1};Subject="";URI=${FRONTEND}`,
    );
  });

  it("uses Envoy's pair order whatever the field order (config.cc: By, Hash, Cert, Chain, Subject, URI, DNS)", () => {
    expect(formatXfccElement({ dns: ['d1', 'd2'], uri: ['u1', 'u2'], subject: 's', chain: 'ch', cert: 'c', hash: 'h', by: ['b1', 'b2'] })).toBe(
      'By=b1;By=b2;Hash=h;Cert="c";Chain="ch";Subject="s";URI=u1;URI=u2;DNS=d1;DNS=d2',
    );
  });

  // envoy: test/common/http/conn_manager_utility_test.cc MtlsSetForwardClientCert (expected_pem "%3D%3Dabc%0Ade%3D"),
  // with the pair order of current Envoy.
  it('matches conn_manager_utility_test MtlsSetForwardClientCert', () => {
    expect(formatXfccElement({ by: ['test://foo.com/be'], hash: 'abcdefg', cert: '==abc\nde=', uri: ['test://foo.com/fe'], dns: ['www.example.com'] })).toBe(
      'By=test://foo.com/be;Hash=abcdefg;Cert="%3D%3Dabc%0Ade%3D";URI=test://foo.com/fe;DNS=www.example.com',
    );
  });

  // envoy: test/integration/xfcc_integration_test.h current_xfcc_by_hash_ + client_subject_ + client_uri_san_ + client_dns_san_
  it('matches the XFCC integration test element with an RFC 2253 subject', () => {
    const subject = 'emailAddress=frontend-team@lyft.com,CN=Test Frontend Team,OU=Lyft Engineering,O=Lyft,L=San Francisco,ST=California,C=US';
    const hash = 'e0f3c8ce5e2ea305f0701ff512e36e2e97928284a228bcf77332d33930a1b6fd';
    expect(formatXfccElement({ by: ['spiffe://lyft.com/backend-team'], hash, subject, uri: ['spiffe://lyft.com/frontend-team'], dns: ['lyft.com', 'www.lyft.com'] })).toBe(
      `By=spiffe://lyft.com/backend-team;Hash=${hash};Subject="${subject}";URI=spiffe://lyft.com/frontend-team;DNS=lyft.com;DNS=www.lyft.com`,
    );
  });

  it("URL-encodes Cert and Chain with Envoy's five substitutions (connection_info_impl_base.cc)", () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMII+/w==\n-----END CERTIFICATE-----\n';
    const encoded = '-----BEGIN%20CERTIFICATE-----%0AMII%2B%2Fw%3D%3D%0A-----END%20CERTIFICATE-----%0A';
    expect(formatXfccElement({ cert: pem, chain: pem + pem })).toBe(`Cert="${encoded}";Chain="${encoded}${encoded}"`);
  });

  it('encodes a whole real certificate without leaving any of the five characters', () => {
    const pair = formatXfccElement({ cert: FRONTEND_CERT });
    expect(pair.slice('Cert="'.length, -1)).not.toMatch(/[\n +/="]/);
  });

  it('encodes "%" as %25 so that decoding gives back the input', () => {
    expect(formatXfccElement({ cert: '100%2B' })).toBe('Cert="100%252B"');
  });

  it('escapes " and \\ inside quoted values', () => {
    expect(formatXfccElement({ subject: String.raw`CN="q" a\b,O=x;y` })).toBe(String.raw`Subject="CN=\"q\" a\\b,O=x;y"`);
  });

  it('writes By, URI and DNS raw, as Envoy does, so injection shapes can be reproduced', () => {
    const evil = `https://evil/,By=${ORDERS};URI=${ADMIN}`;
    expect(formatXfccElement({ by: [ORDERS], subject: '', uri: [evil] })).toBe(`By=${ORDERS};Subject="";URI=${evil}`);
  });

  it('omits null, undefined and empty-list fields; writes empty strings as empty pairs', () => {
    expect(formatXfccElement({})).toBe('');
    expect(formatXfccElement({ by: [], hash: null, cert: undefined, subject: null, uri: [], dns: [] })).toBe('');
    // Envoy writes `URI=` when the peer has no URI SAN and `Subject=""` for an empty subject.
    expect(formatXfccElement({ hash: '', subject: '', uri: [''] })).toBe('Hash=;Subject="";URI=');
  });
});

describe('buildXfcc', () => {
  // envoy: docs/root/configuration/http/http_conn_man/headers.rst, example 2
  it('joins elements with "," and no space (Envoy docs example 2)', () => {
    expect(
      buildXfcc([
        { by: ['http://frontend.lyft.com'], hash: LYFT_HASH_1, uri: ['http://testclient.lyft.com'] },
        { by: ['http://backend.lyft.com'], hash: LYFT_HASH_2, uri: ['http://frontend.lyft.com'] },
      ]),
    ).toBe(
      `By=http://frontend.lyft.com;Hash=${LYFT_HASH_1};URI=http://testclient.lyft.com,By=http://backend.lyft.com;Hash=${LYFT_HASH_2};URI=http://frontend.lyft.com`,
    );
  });

  it('gives an empty header for no elements', () => {
    expect(buildXfcc([])).toBe('');
  });
});

describe('istioSidecarXfcc', () => {
  it("writes Istio's default inbound header with a deterministic placeholder hash", () => {
    const header = istioSidecarXfcc({ by: ORDERS, uri: FRONTEND });
    expect(header).toMatch(new RegExp(`^By=${ORDERS};Hash=[0-9a-f]{64};Subject="";URI=${FRONTEND}$`));
    expect(istioSidecarXfcc({ by: ORDERS, uri: FRONTEND })).toBe(header);
    expect(istioSidecarXfcc({ by: ORDERS, uri: ADMIN }).split(';')[1]).not.toBe(header.split(';')[1]);
  });

  it('hashes the DER of certPem as Envoy does', () => {
    expect(istioSidecarXfcc({ by: ORDERS, uri: FRONTEND, certPem: FRONTEND_CERT })).toBe(
      `By=${ORDERS};Hash=${FRONTEND_CERT_SHA256};Subject="";URI=${FRONTEND}`,
    );
  });

  it('writes a given hash as is', () => {
    expect(istioSidecarXfcc({ by: ORDERS, uri: FRONTEND, hash: 'abc' })).toBe(`By=${ORDERS};Hash=abc;Subject="";URI=${FRONTEND}`);
  });

  it('refuses hash and certPem together, and a certPem that is not a certificate', () => {
    expect(() => istioSidecarXfcc({ by: ORDERS, uri: FRONTEND, hash: 'abc', certPem: FRONTEND_CERT })).toThrow(TypeError);
    expect(() => istioSidecarXfcc({ by: ORDERS, uri: FRONTEND, certPem: 'not a certificate' })).toThrow();
  });
});
