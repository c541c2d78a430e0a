/**
 * Refusals of ambiguous requests: a request that the router and the policies could read in two
 * different ways is answered 400 before any handler runs, with a reason code and a rule name,
 * instead of being guessed at (path-safety.md, design rule 3).
 */

/** Which part of the request was ambiguous; the `code` of the decision. */
export type RefusalCode = 'AMBIGUOUS_PATH' | 'AMBIGUOUS_HOST' | 'AMBIGUOUS_METHOD';

/**
 * The rule that refused a request, reported as the decision's `detail`.
 *
 * Path: `fragment` (`#` in the target), `absolute-form-scheme` (`ftp://h/x`), `target-form` (a
 * target that is neither `/...`, `*` nor absolute), `encoded-slash` (`%2F`), `encoded-backslash`
 * (`%5C`), `encoded-percent` (`%25`), `encoded-nul` (`%00`), `encoded-control` (`%01`-`%1F`,
 * `%7F`), `encoded-semicolon` (`%3B`), `invalid-encoding` (`%` without two hex digits),
 * `invalid-character` (a raw control or non-ASCII character), `dot-segment` (`.` or `..` as a
 * segment, raw or encoded), `backslash` (a raw `\`), `duplicate-slash` (`//` where the router
 * does not merge slashes), `semicolon` (a raw `;`: some routers cut the path on it),
 * `absolute-form` (any absolute-form target, by option), `trailing-slash` (by option).
 *
 * Host: `duplicate-host`, `malformed-host` (a `,`, `@`, `%`, space, bad port ...),
 * `authority-userinfo` (`http://user@host/`), `authority-mismatch` (absolute-form authority and
 * Host name different hosts), `forwarded-host` (an `X-Forwarded-Host` from a hop not trusted, by
 * option).
 *
 * Method: `method-override-invalid` (an override header that names no method), `method-override`
 * (any override header, by option).
 */
export type RefusalRule =
  | 'fragment'
  | 'absolute-form-scheme'
  | 'target-form'
  | 'encoded-slash'
  | 'encoded-backslash'
  | 'encoded-percent'
  | 'encoded-nul'
  | 'encoded-control'
  | 'encoded-semicolon'
  | 'invalid-encoding'
  | 'invalid-character'
  | 'dot-segment'
  | 'backslash'
  | 'duplicate-slash'
  | 'semicolon'
  | 'absolute-form'
  | 'trailing-slash'
  | 'duplicate-host'
  | 'malformed-host'
  | 'authority-userinfo'
  | 'authority-mismatch'
  | 'forwarded-host'
  | 'method-override-invalid'
  | 'method-override';

/**
 * Why a request was refused. Instances are shared constants: refusing allocates nothing.
 *
 * @example
 * ```ts
 * const r = refusal('fragment');
 * r.code;   // 'AMBIGUOUS_PATH'
 * r.rule;   // 'fragment'
 * r.reason; // 'ambiguous request path'
 * ```
 */
export interface Refusal {
  readonly refused: true;
  readonly code: RefusalCode;
  readonly rule: RefusalRule;
  /** The sentence sent to the caller; it names the part, never a policy. */
  readonly reason: string;
}

const HOST_RULES: ReadonlySet<RefusalRule> = new Set(['duplicate-host', 'malformed-host', 'authority-userinfo', 'authority-mismatch', 'forwarded-host']);
const METHOD_RULES: ReadonlySet<RefusalRule> = new Set(['method-override-invalid', 'method-override']);
const REASONS: Readonly<Record<RefusalCode, string>> = {
  AMBIGUOUS_PATH: 'ambiguous request path',
  AMBIGUOUS_HOST: 'ambiguous request host',
  AMBIGUOUS_METHOD: 'ambiguous request method',
};
const cache = new Map<RefusalRule, Refusal>();

/**
 * The shared refusal for a rule.
 *
 * @example
 * ```ts
 * refusal('duplicate-host').code; // 'AMBIGUOUS_HOST'
 * ```
 */
export function refusal(rule: RefusalRule): Refusal {
  let r = cache.get(rule);
  if (r === undefined) {
    const code: RefusalCode = HOST_RULES.has(rule) ? 'AMBIGUOUS_HOST' : METHOD_RULES.has(rule) ? 'AMBIGUOUS_METHOD' : 'AMBIGUOUS_PATH';
    r = Object.freeze({ refused: true as const, code, rule, reason: REASONS[code] });
    cache.set(rule, r);
  }
  return r;
}

/**
 * Whether a value is a refusal (the other results of the request readers are plain values).
 *
 * @example
 * ```ts
 * const host = readHost(input, target, options, trusted);
 * if (isRefusal(host)) return refuse(host);
 * ```
 */
export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as { refused?: unknown }).refused === true;
}
