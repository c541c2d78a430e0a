/**
 * JSON objects for JWT headers and payloads: valid UTF-8, a JSON object at the top, and no member
 * name repeated in any object. RFC 7515 §4 and RFC 7519 §4 let a parser either reject duplicate
 * names or keep the last; parsers disagree (some keep the first), so a token whose meaning depends
 * on the parser is refused outright.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The outcome of {@link parseJsonObject}.
 *
 * @example
 * ```ts
 * const r: StrictJsonResult = parseJsonObject(bytes);
 * if (r.ok) console.log(r.value);
 * ```
 */
export type StrictJsonResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly why: 'invalid' | 'duplicate' };

/**
 * Parses bytes as a JSON object, refusing invalid UTF-8, non-objects and duplicate member names.
 *
 * @example
 * ```ts
 * parseJsonObject(Buffer.from('{"a":1,"a":2}')); // { ok: false, why: 'duplicate' }
 * parseJsonObject(Buffer.from('[1]'));           // { ok: false, why: 'invalid' }
 * ```
 */
export function parseJsonObject(bytes: Uint8Array): StrictJsonResult {
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return { ok: false, why: 'invalid' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, why: 'invalid' };
  if (hasDuplicateMember(text)) return { ok: false, why: 'duplicate' };
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Whether any object in a text already accepted by `JSON.parse` repeats a member name. Names are
 * compared after unescaping, so `{"a":1,"\u0061":2}` is a duplicate. Iterative, so nesting depth
 * costs no stack.
 *
 * @example
 * ```ts
 * hasDuplicateMember('{"a":{"b":1},"c":{"b":2}}'); // false: one `b` per object
 * ```
 */
export function hasDuplicateMember(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) {
          escaped = true;
          j += 2;
        } else if (d === 0x22) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (top.has(key)) return true;
        top.add(key);
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
    i++;
  }
  return false;
}
