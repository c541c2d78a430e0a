import { describe, expect, it } from '@jest/globals';
import { parseXfcc, type XfccElement } from '@meshauth/core';
import fc from 'fast-check';
import { buildXfcc, formatXfccElement, istioSidecarXfcc, type XfccElementFields } from '../src/xfcc.js';

// The builder must write what core's parser reads back, and its field type must accept parsed
// elements (checked at compile time here).
const _compatible: (element: XfccElement) => Partial<XfccElementFields> = (element) => element;

/** What the parser should give for `fields`: absent single values are null, empty list values dropped. */
function normalized(fields: Partial<XfccElementFields>): XfccElement {
  const list = (values: readonly string[] | undefined): string[] => (values ?? []).filter((v) => v !== '');
  return {
    by: list(fields.by),
    hash: fields.hash ?? null,
    cert: fields.cert ?? null,
    chain: fields.chain ?? null,
    subject: fields.subject ?? null,
    uri: list(fields.uri),
    dns: list(fields.dns),
  };
}

// By/URI/DNS/Hash are written unquoted and unescaped, as Envoy writes them, so they round-trip only
// without `,` `;` `"` `\` and without surrounding whitespace: true of every real SAN and hash.
const SAN_CHARS = [...'abcXYZ019:/.-_~%=?&@+!$\'()* é'];
const san = fc
  .string({ unit: fc.constantFrom(...SAN_CHARS), minLength: 1, maxLength: 24 })
  .filter((s) => s.trim() === s && s.length > 0);
const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 64 });
// Quoted values (Subject, Cert, Chain) round-trip whatever they contain; the characters that
// the encoding and the quoting touch are drawn often, any other code point now and then.
const special = fc.constantFrom(...'%"\\\n +/=,;2Bé\t');
const anything = fc.string({ unit: fc.oneof(special, fc.constantFrom('a', 'Z', '-'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 40 });

const element: fc.Arbitrary<Partial<XfccElementFields>> = fc
  .record({
    by: fc.array(san, { maxLength: 3 }),
    hash: fc.option(hex, { nil: null }),
    cert: fc.option(anything, { nil: null }),
    chain: fc.option(anything, { nil: null }),
    subject: fc.option(anything, { nil: null }),
    uri: fc.array(san, { maxLength: 3 }),
    dns: fc.array(san, { maxLength: 3 }),
  })
  // An element with no pair is written as nothing and cannot come back.
  .filter((e) => formatXfccElement(e) !== '');

describe('buildXfcc / parseXfcc round trip', () => {
  it('parses random structured elements back to the same fields', () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 5 }), (elements) => {
        expect(parseXfcc(buildXfcc(elements))).toEqual(elements.map(normalized));
      }),
      { numRuns: 2_000 },
    );
  });

  it('survives Node joining repeated header lines with ", "', () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 4 }), (elements) => {
        const joined = elements.map(formatXfccElement).join(', ');
        expect(parseXfcc(joined)).toEqual(elements.map(normalized));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips a real PEM certificate through Cert and Chain', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBwTCCAWagAwIBAgIULDH7mOiEOiXceaec5LvseW+0n70wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n';
    expect(parseXfcc(buildXfcc([{ cert: pem, chain: pem + pem }]))).toEqual([normalized({ cert: pem, chain: pem + pem })]);
  });

  it('reads istioSidecarXfcc as one element naming the caller', () => {
    const [only, ...rest] = parseXfcc(istioSidecarXfcc({ by: 'spiffe://cluster.local/ns/shop/sa/orders', uri: 'spiffe://cluster.local/ns/shop/sa/frontend', hash: 'ab' }));
    expect(rest).toEqual([]);
    expect(only).toEqual(
      normalized({ by: ['spiffe://cluster.local/ns/shop/sa/orders'], hash: 'ab', subject: '', uri: ['spiffe://cluster.local/ns/shop/sa/frontend'] }),
    );
  });

  it("shows why By/URI are unsafe when a SAN has ',' or ';': Envoy's raw output splits", () => {
    const header = buildXfcc([{ by: ['spiffe://td/app'], uri: ['https://evil/,By=spiffe://td/app;URI=spiffe://td/admin'] }]);
    expect(parseXfcc(header)).toEqual([
      normalized({ by: ['spiffe://td/app'], uri: ['https://evil/'] }),
      normalized({ by: ['spiffe://td/app'], uri: ['spiffe://td/admin'] }),
    ]);
  });
});
