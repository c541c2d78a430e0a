/** One `-----BEGIN <label>-----` block of a PEM text, decoded. @internal */
export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

/** Why a text could not be read as PEM. @internal */
export class PemSyntaxError extends Error {}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';

function isBase64Body(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
      c === 0x2b || c === 0x2f || c === 0x3d || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
    if (!ok) return false;
  }
  return true;
}

/**
 * Splits PEM text into its blocks (RFC 7468). Text between blocks is ignored, as OpenSSL does
 * for bundles that carry `subject=` comment lines. Returns `undefined` when the text contains no
 * PEM block at all, so callers can tell "not PEM" from "PEM without certificates".
 *
 * @throws {PemSyntaxError} for an unterminated block or a body that is not base64.
 * @internal
 */
export function parsePem(text: string): PemBlock[] | undefined {
  let pos = text.indexOf(BEGIN);
  if (pos < 0) return undefined;
  const blocks: PemBlock[] = [];
  while (pos >= 0) {
    const labelStart = pos + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    if (labelEnd < 0) throw new PemSyntaxError('a "-----BEGIN" line is not terminated by "-----"');
    const label = text.slice(labelStart, labelEnd);
    const bodyStart = labelEnd + DASHES.length;
    const endMarker = `-----END ${label}-----`;
    const bodyEnd = text.indexOf(endMarker, bodyStart);
    if (bodyEnd < 0) throw new PemSyntaxError(`the "${label}" block has no "${endMarker}" line`);
    if (!isBase64Body(text, bodyStart, bodyEnd)) throw new PemSyntaxError(`the "${label}" block is not base64`);
    blocks.push({ label, der: Buffer.from(text.slice(bodyStart, bodyEnd), 'base64') });
    pos = text.indexOf(BEGIN, bodyEnd + endMarker.length);
  }
  return blocks;
}
