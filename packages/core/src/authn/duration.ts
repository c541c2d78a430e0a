/**
 * Durations as Istio manifests write them (`timeout: 10ms`, `5s`, `1.5s`, `1m30s`): Go's
 * `time.ParseDuration` grammar, which also covers protobuf JSON's `<seconds>s` form. Validated as
 * istiod does for `JWTRule.timeout` (`pkg/config/validation/agent` ValidateDuration): at least 1ms
 * and a whole number of milliseconds.
 */

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5
  'μs': 1e3, // U+03BC
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const TERM = /([0-9]*(?:\.[0-9]*)?)([a-zµμ]+)/y;

/**
 * Parses a Go duration string to nanoseconds (a float; exact for anything below ~104 days), or
 * returns `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseGoDuration('1m30s'); // 90e9
 * parseGoDuration('10ms');  // 1e7
 * parseGoDuration('10');    // undefined: a unit is required except for "0"
 * ```
 */
export function parseGoDuration(input: string): number | undefined {
  let s = input;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < s.length) {
    const m = TERM.exec(s);
    if (m === null) return undefined;
    const [, num = '', unit = ''] = m;
    if (num === '' || num === '.') return undefined;
    const factor = UNIT_NS[unit];
    if (factor === undefined) return undefined;
    total += Number(num) * factor;
  }
  return sign * Math.round(total);
}

/**
 * Validates a `JWTRule.timeout` and converts it to milliseconds; on failure returns the sentence
 * istiod would print.
 *
 * @example
 * ```ts
 * jwksTimeoutMs('10ms');  // { ms: 10 }
 * jwksTimeoutMs('100us'); // { error: 'duration must be greater than 1ms' }
 * ```
 */
export function jwksTimeoutMs(input: string): { ms: number } | { error: string } {
  const ns = parseGoDuration(input);
  if (ns === undefined) return { error: `"${input}" is not a duration (e.g. "5s", "500ms")` };
  if (ns < 1e6) return { error: 'duration must be greater than 1ms' };
  if (ns % 1e6 !== 0) return { error: 'only durations to ms precision are supported' };
  return { ms: ns / 1e6 };
}
