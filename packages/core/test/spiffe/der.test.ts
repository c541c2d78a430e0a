import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DerError, TAG_GENERALIZED_TIME, TAG_OID, TAG_UTC_TIME, decodeOid, decodeTime, readTlv } from '../../src/spiffe/der.js';

/** An independent OID encoder (X.690 §8.19) to check the decoder against. */
function encodeOid(arcs: readonly bigint[]): Uint8Array {
  const [first = 0n, second = 0n, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const bytes = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...bytes);
  }
  return new Uint8Array(out);
}

function oid(bytes: number[] | Uint8Array): string {
  const buf = new Uint8Array([TAG_OID, bytes.length, ...bytes]);
  return decodeOid(buf, readTlv(buf, 0, buf.length));
}

function time(tag: number, text: string): number {
  const buf = new Uint8Array([tag, text.length, ...Buffer.from(text, 'latin1')]);
  return decodeTime(buf, readTlv(buf, 0, buf.length));
}

describe('der', () => {
  it('decodes OIDs, including arcs beyond 2^53 (2.25 UUID OIDs)', () => {
    expect(oid([0x55, 0x1d, 0x13])).toBe('2.5.29.19');
    expect(oid([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d])).toBe('1.2.840.113549');
    expect(oid([0x88, 0x37])).toBe('2.999');
    const uuid = 329800735698586629295641978511506172918n;
    expect(oid(encodeOid([2n, 25n, uuid]))).toBe(`2.25.${uuid}`);
    fc.assert(
      fc.property(fc.constantFrom(0n, 1n, 2n), fc.bigInt({ min: 0n, max: 39n }), fc.array(fc.bigInt({ min: 0n, max: 2n ** 130n }), { maxLength: 6 }), (a, b, rest) => {
        expect(oid(encodeOid([a, b, ...rest]))).toBe([a, b, ...rest].join('.'));
      }),
    );
  });

  it('rejects truncated OIDs and lengths', () => {
    expect(() => oid([0x2a, 0x86])).toThrow(DerError);
    expect(() => readTlv(new Uint8Array([0x30, 0x05, 0x00]), 0, 3)).toThrow('element overruns its container');
    expect(() => readTlv(new Uint8Array([0x30, 0x80]), 0, 2)).toThrow('invalid length');
    expect(() => readTlv(new Uint8Array([0x1f, 0x01, 0x00]), 0, 3)).toThrow(DerError);
    const long = readTlv(new Uint8Array([0x04, 0x81, 0x01, 0xff]), 0, 4);
    expect(long).toEqual({ tag: 0x04, start: 3, end: 4 });
  });

  it('decodes RFC 5280 validity times and nothing else', () => {
    expect(time(TAG_UTC_TIME, '491231235959Z')).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(time(TAG_UTC_TIME, '500101000000Z')).toBe(Date.UTC(1950, 0, 1));
    expect(time(TAG_GENERALIZED_TIME, '20510615120000Z')).toBe(Date.UTC(2051, 5, 15, 12));
    for (const bad of ['4912312359Z', '491231235959+0100', '491331235959Z', '49123123595AZ']) {
      expect(() => time(TAG_UTC_TIME, bad)).toThrow(DerError);
    }
    expect(() => time(TAG_GENERALIZED_TIME, '20510615120000.5Z')).toThrow(DerError);
  });
});
