import { OptionError } from '../errors.js';
import { XfccError } from './xfcc-error.js';

// The error travels with the parser: callers import both from here.
export { XfccError, type XfccErrorReason } from './xfcc-error.js';

/**
 * One element of an `X-Forwarded-Client-Cert` header: what a single proxy recorded about the
 * client certificate it verified. Absent single-valued keys are `null`; a key written with an
 * empty value (Istio's `Subject=""`) is `""`.
 *
 * @example
 * ```ts
 * const [element] = parseXfcc('By=spiffe://cluster.local/ns/a/sa/b;Hash=9f86...;Subject="";URI=spiffe://cluster.local/ns/c/sa/d');
 * element.by;      // ['spiffe://cluster.local/ns/a/sa/b']
 * element.subject; // ''
 * element.uri;     // ['spiffe://cluster.local/ns/c/sa/d']
 * element.cert;    // null
 * ```
 */
export interface XfccElement {
  /** URI SANs of the certificate of the proxy that wrote the element (one `By` per SAN), in order. */
  by: string[];
  /** `Hash`: lowercase hex SHA-256 of the client certificate's DER, as written by the proxy. */
  hash: string | null;
  /** `Cert`: the client certificate as PEM, percent-decoded. */
  cert: string | null;
  /** `Chain`: the client chain including the leaf as PEM, percent-decoded. */
  chain: string | null;
  /** `Subject`: the client certificate's subject (RFC 2253 form when written by current Envoy). */
  subject: string | null;
  /** URI SANs of the client certificate, in order; empty `URI=` pairs are dropped. */
  uri: string[];
  /** DNS SANs of the client certificate, in order; empty `DNS=` pairs are dropped. */
  dns: string[];
}

/**
 * Options of {@link parseXfcc}.
 *
 * @example
 * ```ts
 * // A gateway forwarding Cert and Chain of long chains, with node started with --max-http-header-size=65536:
 * parseXfcc(header, { maxLength: 64 * 1024 });
 * ```
 */
export interface XfccParseOptions {
  /**
   * Longest header accepted, in characters (Node decodes header values as latin1, so characters
   * are bytes). Longer headers fail with reason `too-large` before any parsing. Defaults to
   * {@link XFCC_DEFAULT_MAX_LENGTH}.
   */
  readonly maxLength?: number;
}

/**
 * Default `maxLength`: 16 KiB. Node's default `--max-http-header-size` is 16 KiB for the whole
 * header block, so with default settings no header that Node accepts is refused by this limit,
 * while the worst-case work per request stays bounded. Istio's default sidecar element is 150-250
 * bytes; only `Cert`/`Chain` forwarding of long chains comes near the limit, and a server that
 * raises Node's limit for that should raise this one too.
 *
 * @example
 * ```ts
 * parseXfcc(header, { maxLength: 4 * XFCC_DEFAULT_MAX_LENGTH });
 * ```
 */
export const XFCC_DEFAULT_MAX_LENGTH = 16 * 1024;

const HTAB = 0x09;
const SP = 0x20;
const DQUOTE = 0x22;
const COMMA = 0x2c;
const SEMI = 0x3b;
const EQ = 0x3d;
const BSL = 0x5c;

// RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
// / "`" / "|" / "~" / DIGIT / ALPHA. A lookup table keeps the key scan to one load per char.
const TCHAR = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[ch.charCodeAt(0)] = 1;
}

/**
 * Parses an `X-Forwarded-Client-Cert` header into its elements, left to right (the last element
 * was written by the nearest proxy).
 *
 * The grammar is Envoy's (envoy: docs/root/configuration/http/http_conn_man/headers.rst and what
 * source/common/http/conn_manager_utility.cc `mutateXfccRequestHeader` writes), read strictly:
 * - elements split at `,` and pairs at `;`, outside double quotes only; spaces and tabs around
 *   separators are ignored (Node joins repeated header lines with `", "`); empty elements and
 *   pairs are skipped, so an empty or blank header gives `[]`;
 * - a `"` opens or closes a quoted value unless escaped by an odd run of backslashes; only
 *   `\"` and `\\` are unescaped, any other backslash is kept; nothing but whitespace and a
 *   separator may follow a closing quote; a quote that never closes fails the whole header;
 * - keys are RFC 9110 tokens, case-insensitive; the value starts after the first `=`;
 * - `By`, `URI`, `DNS` repeat (order kept, empty values dropped); `Hash`, `Cert`, `Chain`,
 *   `Subject` appear at most once per element; `Cert`/`Chain` are percent-decoded (`+` stays
 *   `+`), nothing else is; unknown keys (e.g. legacy `SAN`) are ignored.
 *
 * One left-to-right pass: keys and separators are read as char codes, value bodies are skipped
 * with native `indexOf` cursors that only move forward. Time is linear in the header's length
 * (checked with 100 KiB adversarial inputs), there are no regular expressions, and apart from
 * values that need unescaping nothing is allocated beyond the elements and values returned.
 *
 * @param header - the header value, e.g. `req.headers['x-forwarded-client-cert']`.
 * @throws {@link XfccError} when the header is malformed (the `reason` says why); there is no
 *   partial result.
 * @throws {@link OptionError} when `options.maxLength` is not a non-negative integer.
 *
 * @example
 * ```ts
 * const elements = parseXfcc(
 *   'By=spiffe://cluster.local/ns/shop/sa/orders;Hash=4f1c...;Subject="";URI=spiffe://cluster.local/ns/shop/sa/frontend',
 * );
 * const nearest = elements.at(-1);  // written by the app's own sidecar
 * nearest?.uri;                     // ['spiffe://cluster.local/ns/shop/sa/frontend']
 * ```
 */
export function parseXfcc(header: string, options?: XfccParseOptions): XfccElement[] {
  if (typeof header !== 'string') throw new TypeError('parseXfcc: header must be a string');
  const maxLength = options === undefined ? XFCC_DEFAULT_MAX_LENGTH : resolveMaxLength(options);
  const len = header.length;
  if (len > maxLength) throw new XfccError('too-large', maxLength, `${len} characters, limit ${maxLength}`);

  const elements: XfccElement[] = [];
  let element: XfccElement | null = null;
  let i = 0;
  // Where the next `;` `,` `"` `\` at or after `i` is (`len` when there is none), each refreshed
  // with `indexOf` only once the scan has passed it: every cursor moves forward only, so the
  // searches cover the header at most once each and the parse stays linear.
  let nextSemi = -1;
  let nextComma = -1;
  let nextQuote = -1;
  let nextBackslash = -1;
  // One iteration consumes either one separator / whitespace character or one whole pair.
  while (i < len) {
    let c = header.charCodeAt(i);
    if (c === SP || c === HTAB || c === SEMI) {
      i++;
      continue;
    }
    if (c === COMMA) {
      if (element !== null) elements.push(element);
      element = null;
      i++;
      continue;
    }

    // key OWS "=" OWS
    const keyStart = i;
    while (c < 128 && TCHAR[c] === 1 && ++i < len) c = header.charCodeAt(i);
    const keyEnd = i;
    if (keyEnd === keyStart) throw new XfccError(c === EQ ? 'empty-key' : 'invalid-key', keyStart);
    while (i < len && ((c = header.charCodeAt(i)) === SP || c === HTAB)) i++;
    if (i === len || c === SEMI || c === COMMA) throw new XfccError('missing-equals', i);
    if (c !== EQ) throw new XfccError('invalid-key', keyEnd);
    i++;
    while (i < len && ((c = header.charCodeAt(i)) === SP || c === HTAB)) i++;

    // value: a quoted string, or everything up to the next separator. The body of a value is
    // found with native `indexOf` cursors (see `find`); only values that contain a backslash take
    // the slower char-by-char unescaping path.
    const valueStart = i;
    let value: string;
    if (i < len && c === DQUOTE) {
      const from = i + 1;
      if (nextQuote < from) nextQuote = find(header, '"', from, len);
      if (nextBackslash < from) nextBackslash = find(header, '\\', from, len);
      if (nextQuote === len) throw new XfccError('unterminated-quote', valueStart);
      if (nextBackslash > nextQuote) {
        i = nextQuote;
        value = header.slice(from, i);
      } else {
        i = closingQuote(header, from, valueStart);
        value = unescape(header, from, i);
      }
      i++;
      while (i < len && ((c = header.charCodeAt(i)) === SP || c === HTAB)) i++;
      if (i < len && c !== SEMI && c !== COMMA) throw new XfccError('text-after-quote', i);
    } else {
      if (nextSemi < i) nextSemi = find(header, ';', i, len);
      if (nextComma < i) nextComma = find(header, ',', i, len);
      if (nextBackslash < i) nextBackslash = find(header, '\\', i, len);
      let end = nextSemi < nextComma ? nextSemi : nextComma;
      const separator = end;
      // OWS before the separator is not part of the value.
      while (end > valueStart && ((c = header.charCodeAt(end - 1)) === SP || c === HTAB)) end--;
      if (nextBackslash < end) {
        value = unescape(header, valueStart, end);
      } else {
        if (nextQuote < i) nextQuote = find(header, '"', i, len);
        if (nextQuote < end) throw quoteInUnquotedValue(header, nextQuote);
        value = header.slice(valueStart, end);
      }
      i = separator;
    }

    if (element === null) element = newElement();
    assign(element, header, keyStart, keyEnd, value, valueStart);
  }
  if (element !== null) elements.push(element);
  return elements;
}

/** Index of the first `ch` at or after `from`, or `len` when there is none. */
function find(header: string, ch: string, from: number, len: number): number {
  const at = header.indexOf(ch, from);
  return at === -1 ? len : at;
}

/**
 * Index of the quote that closes the string whose content starts at `from`. A backslash takes
 * the next character with it, so a `"` closes only after an even run of backslashes (Envoy's
 * `countBackslashes` rule). Only called when the value contains a backslash.
 */
function closingQuote(header: string, from: number, openAt: number): number {
  for (let i = from; i < header.length; i++) {
    const c = header.charCodeAt(i);
    if (c === BSL) i++;
    else if (c === DQUOTE) return i;
  }
  throw new XfccError('unterminated-quote', openAt);
}

/**
 * `header[from, to)` with `\"` and `\\` unescaped; any other backslash is kept, as Envoy keeps it
 * (envoy: source/extensions/formatter/xfcc_value/xfcc_value.cc). An unescaped `"` can only occur
 * here in an unquoted value, where it is an error.
 */
function unescape(header: string, from: number, to: number): string {
  let out = '';
  let chunk = from;
  for (let i = from; i < to; i++) {
    const c = header.charCodeAt(i);
    if (c === BSL) {
      const next = i + 1 < to ? header.charCodeAt(i + 1) : 0;
      if (next === DQUOTE || next === BSL) {
        out += header.slice(chunk, i);
        chunk = ++i;
      }
    } else if (c === DQUOTE) {
      throw quoteInUnquotedValue(header, i);
    }
  }
  return out + header.slice(chunk, to);
}

function resolveMaxLength(options: XfccParseOptions): number {
  const maxLength = options.maxLength;
  if (maxLength === undefined) return XFCC_DEFAULT_MAX_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 0) {
    throw new OptionError('maxLength', 'must be a non-negative integer');
  }
  return maxLength;
}

// Every element gets the same shape, in the same property order, so V8 keeps one hidden class.
function newElement(): XfccElement {
  return { by: [], hash: null, cert: null, chain: null, subject: null, uri: [], dns: [] };
}

/** Stores one pair's value; the key is matched in place (no lower-cased copy is made). */
function assign(element: XfccElement, header: string, keyStart: number, keyEnd: number, value: string, valueStart: number): void {
  switch (keyEnd - keyStart) {
    case 2:
      if (keyIs(header, keyStart, 'by')) {
        if (value !== '') element.by.push(value);
      }
      return;
    case 3:
      if (keyIs(header, keyStart, 'uri')) {
        if (value !== '') element.uri.push(value);
      } else if (keyIs(header, keyStart, 'dns')) {
        if (value !== '') element.dns.push(value);
      }
      return;
    case 4:
      if (keyIs(header, keyStart, 'hash')) {
        if (element.hash !== null) throw new XfccError('duplicate-key', keyStart, 'Hash');
        element.hash = value;
      } else if (keyIs(header, keyStart, 'cert')) {
        if (element.cert !== null) throw new XfccError('duplicate-key', keyStart, 'Cert');
        element.cert = percentDecode(value, valueStart, 'Cert');
      }
      return;
    case 5:
      if (keyIs(header, keyStart, 'chain')) {
        if (element.chain !== null) throw new XfccError('duplicate-key', keyStart, 'Chain');
        element.chain = percentDecode(value, valueStart, 'Chain');
      }
      return;
    case 7:
      if (keyIs(header, keyStart, 'subject')) {
        if (element.subject !== null) throw new XfccError('duplicate-key', keyStart, 'Subject');
        element.subject = value;
      }
      return;
    default:
      return;
  }
}

/**
 * Case-insensitive match of `header[start..]` against a lower-case ASCII name: for a lower-case
 * letter `l`, `(c | 0x20) === l` holds exactly when `c` is `l` or its upper case. The caller has
 * already checked that the key has the name's length.
 */
function keyIs(header: string, start: number, lowerName: string): boolean {
  for (let j = 0; j < lowerName.length; j++) {
    if ((header.charCodeAt(start + j) | 0x20) !== lowerName.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * `Cert`/`Chain` carry PEM with Envoy's five substitutions (`\n`, space, `+`, `/`, `=`;
 * envoy: source/common/tls/connection_info_impl_base.cc `urlEncodedPemEncodedPeerCertificate`).
 * Percent-decoding, never form-decoding: `+` is a base64 character, not a space.
 * `decodeURIComponent` rejects malformed escapes and invalid UTF-8 (overlong forms, surrogates).
 */
function percentDecode(value: string, valueStart: number, key: string): string {
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch (cause) {
    throw new XfccError('bad-percent-encoding', valueStart, key, { cause });
  }
}

/**
 * An unescaped `"` in the middle of an unquoted value. If it opens a string that never closes,
 * report that (it is the more serious problem: a quote-injection attempt); otherwise the header
 * is still outside the grammar. Runs once, on the error path, so the parse stays linear.
 */
function quoteInUnquotedValue(header: string, quoteAt: number): XfccError {
  for (let i = quoteAt + 1; i < header.length; i++) {
    const c = header.charCodeAt(i);
    if (c === BSL) i++;
    else if (c === DQUOTE) return new XfccError('quote-in-value', quoteAt);
  }
  return new XfccError('unterminated-quote', quoteAt);
}
