/**
 * Encodes DER as PEM (RFC 7468 §2: base64 in 64-character lines).
 *
 * @example
 * ```ts
 * const pem = toPem(svid.der); // '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n'
 * ```
 */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
