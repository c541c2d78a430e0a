/**
 * Istio's value patterns (istio/api Rule comment; istio/istio
 * `pilot/pkg/security/authz/matcher/{string,header}.go`): `abc` exact, `abc*` prefix, `*abc` suffix,
 * `*` presence. A `*` anywhere else is a literal character. What a lone `*` means depends on the
 * Envoy matcher Istio emits: `StringMatcherWithPrefix` makes it the regex `.+` (non-empty), while
 * `HeaderMatcher`/`HostMatcher` make it `present_match` (an empty value matches too).
 */

/** How a lone `*` is compiled for a field. */
export type StarMeaning = 'nonEmpty' | 'present';

/**
 * One parsed value pattern.
 *
 * @example
 * ```ts
 * parsePattern('/api/*', 'nonEmpty'); // { kind: 'prefix', text: '/api/', value: '/api/*' }
 * ```
 */
export interface StringPattern {
  readonly kind: 'exact' | 'prefix' | 'suffix' | 'present' | 'nonEmpty';
  /** The literal part. */
  readonly text: string;
  /** The value as written in the policy. */
  readonly value: string;
}

/**
 * Parses a policy value the way `StringMatcherWithPrefix` and `HeaderMatcher` do: `*` first, then a
 * leading `*` (suffix), then a trailing `*` (prefix), else exact. `**` is therefore suffix `*`.
 *
 * @example
 * ```ts
 * parsePattern('*.example.com', 'present').kind; // 'suffix'
 * ```
 */
export function parsePattern(value: string, star: StarMeaning, lowerCase = false): StringPattern {
  const v = lowerCase ? value.toLowerCase() : value;
  if (v === '*') return { kind: star, text: '', value };
  if (v.startsWith('*')) return { kind: 'suffix', text: v.slice(1), value };
  if (v.endsWith('*')) return { kind: 'prefix', text: v.slice(0, -1), value };
  return { kind: 'exact', text: v, value };
}

/**
 * Whether `s.slice(start, end)` matches the pattern, without slicing.
 *
 * @example
 * ```ts
 * matchPatternRange(parsePattern('read', 'nonEmpty'), 'read write', 0, 4); // true
 * ```
 */
export function matchPatternRange(p: StringPattern, s: string, start: number, end: number): boolean {
  const len = end - start;
  switch (p.kind) {
    case 'exact':
      return len === p.text.length && s.startsWith(p.text, start);
    case 'prefix':
      return len >= p.text.length && s.startsWith(p.text, start);
    case 'suffix':
      return len >= p.text.length && s.startsWith(p.text, end - p.text.length);
    case 'present':
      return true;
    case 'nonEmpty':
      return len > 0;
  }
}

/**
 * An OR over patterns, compiled once: exact values in a `Set`, the others in small arrays.
 *
 * @example
 * ```ts
 * const m = new PatternSet(['GET', 'HEAD'].map((v) => parsePattern(v, 'present')));
 * m.test('GET'); // true
 * ```
 */
export class PatternSet {
  readonly patterns: readonly StringPattern[];
  readonly #exact: ReadonlySet<string>;
  readonly #exactList: readonly string[];
  readonly #prefixes: readonly string[];
  readonly #suffixes: readonly string[];
  readonly #present: boolean;
  readonly #nonEmpty: boolean;

  constructor(patterns: readonly StringPattern[]) {
    this.patterns = patterns;
    const exact: string[] = [];
    const prefixes: string[] = [];
    const suffixes: string[] = [];
    let present = false;
    let nonEmpty = false;
    for (const p of patterns) {
      if (p.kind === 'exact') exact.push(p.text);
      else if (p.kind === 'prefix') prefixes.push(p.text);
      else if (p.kind === 'suffix') suffixes.push(p.text);
      else if (p.kind === 'present') present = true;
      else nonEmpty = true;
    }
    this.#exact = new Set(exact);
    this.#exactList = exact;
    this.#prefixes = prefixes;
    this.#suffixes = suffixes;
    this.#present = present;
    this.#nonEmpty = nonEmpty;
  }

  /** Whether `s` matches any pattern. */
  test(s: string): boolean {
    if (this.#present) return true;
    if (this.#nonEmpty && s.length > 0) return true;
    if (this.#exact.has(s)) return true;
    for (const p of this.#prefixes) if (s.startsWith(p)) return true;
    for (const x of this.#suffixes) if (s.endsWith(x)) return true;
    return false;
  }

  /** Whether `s.slice(start, end)` matches any pattern, without slicing. */
  testRange(s: string, start: number, end: number): boolean {
    if (start === 0 && end === s.length) return this.test(s);
    if (this.#present) return true;
    const len = end - start;
    if (this.#nonEmpty && len > 0) return true;
    for (const e of this.#exactList) if (e.length === len && s.startsWith(e, start)) return true;
    for (const p of this.#prefixes) if (p.length <= len && s.startsWith(p, start)) return true;
    for (const x of this.#suffixes) if (x.length <= len && s.startsWith(x, end - x.length)) return true;
    return false;
  }
}

/**
 * {@link PatternSet.test} over the values as one function, with plain comparisons when there is a
 * single value (the common case, and cheaper to build and to run than a set).
 *
 * @example
 * ```ts
 * stringTest(['/api/*'], 'nonEmpty')('/api/orders'); // true
 * ```
 */
export function stringTest(values: readonly string[], star: StarMeaning, lowerCase = false): (s: string) => boolean {
  if (values.length === 1) {
    const p = parsePattern(values[0] as string, star, lowerCase);
    const t = p.text;
    switch (p.kind) {
      case 'exact':
        return (s) => s === t;
      case 'prefix':
        return (s) => s.startsWith(t);
      case 'suffix':
        return (s) => s.endsWith(t);
      case 'present':
        return () => true;
      case 'nonEmpty':
        return (s) => s.length > 0;
    }
  }
  const set = new PatternSet(values.map((v) => parsePattern(v, star, lowerCase)));
  return (s) => set.test(s);
}

/**
 * Escapes a literal for use inside a `RegExp`, as Go's `regexp.QuoteMeta` does for RE2.
 *
 * @example
 * ```ts
 * new RegExp(`^${quoteMeta('a.b')}$`).test('axb'); // false
 * ```
 */
export function quoteMeta(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** RE2's `.`: any character but a newline (JavaScript's `.` also excludes `\r`, U+2028, U+2029). */
export const RE2_DOT = '[^\\n]';
