import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { XfccError } from '../../src/peer/xfcc-error.js';
import { parseXfcc, type XfccElement } from '../../src/peer/xfcc-parse.js';

const UNLIMITED = { maxLength: Number.MAX_SAFE_INTEGER };

/** Fragments that exercise every branch of the scanner, glued together at random. */
const fragment = fc.constantFrom(
  '"', '\\', ',', ';', '=', ' ', '\t', ', ', '\\"', '\\\\', '""', '%', '%2', '%41', '%C3%A9', '%FF',
  'By', 'URI', 'DNS', 'Hash', 'Cert', 'Chain', 'Subject', 'SAN', 'by', 'hAsH',
  'By=', 'URI=', 'Subject="', 'Cert="', 'spiffe://cluster.local/ns/a/sa/b', 'a', 'é', '\u0000',
);
const adversarial = fc.oneof(
  fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join('')),
  fc.array(fc.oneof(fragment, fc.string({ maxLength: 4 })), { maxLength: 40 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

function outcome(header: string): XfccElement[] | XfccError {
  try {
    return parseXfcc(header, UNLIMITED);
  } catch (err) {
    if (err instanceof XfccError) return err;
    throw err; // any other error type fails the property
  }
}

describe('parseXfcc: properties', () => {
  it('only ever returns well-formed elements or throws XfccError', () => {
    fc.assert(
      fc.property(adversarial, (header) => {
        const result = outcome(header);
        if (result instanceof XfccError) {
          expect(result.code).toBe('ERR_XFCC_MALFORMED');
          expect(result.position).toBeGreaterThanOrEqual(0);
          expect(result.position).toBeLessThanOrEqual(header.length);
          return;
        }
        for (const element of result) {
          expect(Object.keys(element)).toEqual(['by', 'hash', 'cert', 'chain', 'subject', 'uri', 'dns']);
          for (const list of [element.by, element.uri, element.dns]) {
            for (const value of list) expect(value).not.toBe('');
          }
          for (const value of [element.hash, element.cert, element.chain, element.subject]) {
            expect(value === null || typeof value === 'string').toBe(true);
          }
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(adversarial, (header) => {
        const a = outcome(header);
        const b = outcome(header);
        if (a instanceof XfccError) expect(b).toMatchObject({ reason: a.reason, position: a.position });
        else expect(b).toEqual(a);
      }),
      { numRuns: 1_000 },
    );
  });

  it('treats OWS around "," and ";" as insignificant', () => {
    const value = fc.stringMatching(/^[A-Za-z0-9:/.%-]{1,12}$/);
    const pair = fc.tuple(fc.constantFrom('By', 'URI', 'DNS', 'Foo'), value).map(([k, v]) => `${k}=${v}`);
    const ows = fc.stringMatching(/^[ \t]{0,3}$/);
    fc.assert(
      fc.property(fc.array(fc.array(pair, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), ows, ows, (elements, before, after) => {
        const tight = elements.map((pairs) => pairs.join(';')).join(',');
        const loose = elements.map((pairs) => pairs.join(`${before};${after}`)).join(`${before},${after}`);
        expect(parseXfcc(loose)).toEqual(parseXfcc(tight));
      }),
      { numRuns: 500 },
    );
  });

  it('never closes an unterminated quote: any header with one trailing open quote is rejected', () => {
    const safe = fc.stringMatching(/^[A-Za-z0-9:/.,;= -]{0,40}$/);
    fc.assert(
      fc.property(safe, fc.string({ maxLength: 20 }), (prefix, tail) => {
        const header = `By=a;Subject="${prefix}${tail.replace(/["\\]/g, '')}`;
        expect(outcome(header)).toMatchObject({ reason: 'unterminated-quote' });
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseXfcc: linear time', () => {
  const ISTIO = 'By=spiffe://cluster.local/ns/a/sa/b;Hash=e0f3c8ce5e2ea305f0701ff512e36e2e97928284a228bcf77332d33930a1b6fd;Subject="";URI=spiffe://cluster.local/ns/c/sa/d';

  /** Inputs of about `size` characters that stress one part of the scanner each. */
  const shapes: ReadonlyArray<readonly [string, (size: number) => string]> = [
    ['Istio elements', (n) => Array.from({ length: Math.ceil(n / (ISTIO.length + 1)) }, () => ISTIO).join(',')],
    ['unterminated quote', (n) => `Subject="${'a'.repeat(n)}`],
    ['unterminated quote full of escapes', (n) => `Subject="${'\\"'.repeat(n / 2)}`],
    ['one long quoted value full of escapes', (n) => `Subject="${'\\\\a'.repeat(n / 3)}"`],
    ['backslash runs in unquoted values', (n) => `URI=${'\\'.repeat(n)}`],
    ['many empty quoted values', (n) => 'X="",'.repeat(n / 5)],
    ['many tiny pairs', (n) => 'a=b;'.repeat(n / 4)],
    ['many separators', (n) => ',;'.repeat(n / 2)],
    ['whitespace runs before a separator', (n) => `URI=a${' '.repeat(n)};DNS=b`],
    ['a value full of "="', (n) => `URI=${'='.repeat(n)}`],
    ['quote far inside an unquoted value', (n) => `URI=${'a'.repeat(n)}"`],
    ['quotes alternating with separators', (n) => `URI=${'";'.repeat(n / 2)}`],
    ['long key without "="', (n) => 'k'.repeat(n)],
    ['many duplicates of repeatable keys', (n) => 'URI=a;'.repeat(n / 6)],
  ];

  function cost(header: string, repeat: number): number {
    let best = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < 7; trial++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < repeat; i++) outcome(header);
      best = Math.min(best, Number(process.hrtime.bigint() - start));
    }
    return best;
  }

  it.each(shapes)('%s: 100 KiB costs about 10x 10 KiB, not 100x', (_name, make) => {
    const small = make(10 * 1024);
    const large = make(100 * 1024);
    cost(small, 50); // warm up
    cost(large, 5);
    // Same total characters on both sides: a linear parser gives a ratio near 1, a quadratic one near 10.
    const ratio = cost(large, 4) / cost(small, 40);
    expect(ratio).toBeLessThan(5);
  });

  it('parses a 600-element, 100 KiB header', () => {
    const header = Array.from({ length: 600 }, () => ISTIO).join(',');
    expect(header.length).toBeGreaterThan(90 * 1024);
    const elements = parseXfcc(header, { maxLength: 128 * 1024 });
    expect(elements).toHaveLength(600);
    expect(elements[599]?.uri).toEqual(['spiffe://cluster.local/ns/c/sa/d']);
  });

  it('rejects a 20 KB unterminated quote', () => {
    expect(() => parseXfcc(`By=a;Subject="${'x'.repeat(20_000)}`, { maxLength: 32 * 1024 })).toThrow(
      expect.objectContaining({ reason: 'unterminated-quote', position: 13 }),
    );
  });
});
