/** Go's single-character escapes (strconv.Unquote). */
const SIMPLE: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/**
 * Reads a Go `%q`-quoted string, as Kubernetes writes label values into a downward-API file
 * (k8s.io/kubernetes pkg/fieldpath FormatMap). Returns `undefined` for anything that is not one.
 *
 * @example
 * ```ts
 * goUnquote('"a\\"b"'); // 'a"b'
 * ```
 */
export function goUnquote(quoted: string): string | undefined {
  if (quoted.length < 2 || quoted[0] !== '"' || quoted[quoted.length - 1] !== '"') return undefined;
  let out = '';
  for (let i = 1; i < quoted.length - 1; i++) {
    const c = quoted[i];
    if (c === '"') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = quoted[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : /[0-7]/.test(e) ? 3 : 0;
    if (width === 0) return undefined;
    const digits = e >= '0' && e <= '7' ? quoted.slice(i, i + 3) : quoted.slice(i + 1, i + 1 + width);
    const valid = e >= '0' && e <= '7' ? /^[0-7]{3}$/.test(digits) : new RegExp(`^[0-9a-fA-F]{${width}}$`).test(digits);
    if (!valid) return undefined;
    const code = parseInt(digits, e >= '0' && e <= '7' ? 8 : 16);
    // \x and octal escapes are bytes in Go; label values are UTF-8 text, so bytes above 0x7f would
    // need reassembly. Kubernetes only writes them for invalid UTF-8, which labels cannot hold.
    if ((e === 'x' || (e >= '0' && e <= '7')) && code > 0x7f) return undefined;
    if (code > 0x10ffff) return undefined;
    out += String.fromCodePoint(code);
    i += e >= '0' && e <= '7' ? 2 : width;
  }
  return out;
}
