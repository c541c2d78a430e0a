/**
 * A minimal DER reader for the outer structure of a certificate (RFC 5280 §4.1).
 *
 * Decoding a whole certificate with asn1js costs about 180 µs; walking to the validity and the
 * extensions with this reader costs a few µs, and @peculiar/asn1-x509 then decodes only the
 * extension values that verification reads. Node has already parsed the same bytes with OpenSSL
 * before this runs, so anything this reader does not understand is treated as malformed.
 * @internal
 */

/** One tag-length-value element: its tag byte and the bounds of its content. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;

/** Thrown for bytes that are not the DER this reader expects. */
export class DerError extends Error {}

/** Reads the element at `pos`, which must end by `limit`. */
export function readTlv(buf: Uint8Array, pos: number, limit: number): Tlv {
  if (pos + 2 > limit) throw new DerError('truncated element');
  const tag = buf[pos] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used in certificates');
  let length = buf[pos + 1] as number;
  let start = pos + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    // Four length bytes already allow 4 GiB; indefinite lengths (n = 0) are BER, not DER.
    if (n === 0 || n > 4 || start + n > limit) throw new DerError('invalid length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (buf[start + i] as number);
    start += n;
  }
  const end = start + length;
  if (end > limit) throw new DerError('element overruns its container');
  return { tag, start, end };
}

/** Reads the element at `pos` and checks its tag. */
export function expectTlv(buf: Uint8Array, pos: number, limit: number, tag: number, what: string): Tlv {
  const tlv = readTlv(buf, pos, limit);
  if (tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return tlv;
}

/** Decodes an OBJECT IDENTIFIER's content to dotted form (X.690 §8.19). Arcs may exceed 2^53 (2.25 UUID OIDs). */
export function decodeOid(buf: Uint8Array, tlv: Tlv): string {
  if (tlv.end <= tlv.start || ((buf[tlv.end - 1] as number) & 0x80) !== 0) throw new DerError('truncated OID');
  const arcs: string[] = [];
  let value = 0;
  let big: bigint | undefined;
  for (let i = tlv.start; i < tlv.end; i++) {
    const byte = buf[i] as number;
    if (big !== undefined) big = big * 128n + BigInt(byte & 0x7f);
    else if (value >= 2 ** 45) big = BigInt(value) * 128n + BigInt(byte & 0x7f);
    else value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) !== 0) continue;
    if (arcs.length > 0) arcs.push(String(big ?? value));
    else if (big === undefined && value < 80) arcs.push(String(Math.floor(value / 40)), String(value % 40));
    else arcs.push('2', String(big === undefined ? value - 80 : big - 80n));
    value = 0;
    big = undefined;
  }
  return arcs.join('.');
}

function digits(buf: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) throw new DerError('invalid time');
    n = n * 10 + d;
  }
  return n;
}

/**
 * Decodes a validity time to epoch milliseconds. RFC 5280 §4.1.2.5 fixes the forms:
 * UTCTime `YYMMDDHHMMSSZ` (years 1950-2049) and GeneralizedTime `YYYYMMDDHHMMSSZ`.
 */
export function decodeTime(buf: Uint8Array, tlv: Tlv): number {
  const len = tlv.end - tlv.start;
  let year: number;
  let p = tlv.start;
  if (tlv.tag === TAG_UTC_TIME && len === 13) {
    const yy = digits(buf, p, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    p += 2;
  } else if (tlv.tag === TAG_GENERALIZED_TIME && len === 15) {
    year = digits(buf, p, 4);
    p += 4;
  } else {
    throw new DerError('validity time is not in RFC 5280 form');
  }
  if (buf[tlv.end - 1] !== 0x5a) throw new DerError('validity time is not in UTC');
  const month = digits(buf, p, 2);
  const day = digits(buf, p + 2, 2);
  const hour = digits(buf, p + 4, 2);
  const minute = digits(buf, p + 6, 2);
  const second = digits(buf, p + 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) throw new DerError('invalid time');
  return Date.UTC(year, month - 1, day, hour, minute, second);
}
