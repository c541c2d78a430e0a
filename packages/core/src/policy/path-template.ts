/**
 * Path templates `{*}` and `{**}` (Istio ≥ 1.22). Istio rewrites them to an Envoy `uri_template`
 * (`pilot/pkg/security/authz/matcher/template.go`), which Envoy compiles to an anchored RE2 over the
 * path without query (`source/extensions/path/uri_template_lib/uri_template_internal.cc`):
 * `"/" + segments.join("/")` with `*` ⇒ `[kLiteral]+` (one non-empty segment) and `**` ⇒
 * `[kLiteral/]*`; a trailing `/` is an empty last segment.
 */

/**
 * `pkg/config/security/security.go` IsPathTemplate.
 *
 * @example
 * ```ts
 * isPathTemplate('/a/{*}'); // true
 * ```
 */
export function isPathTemplate(value: string): boolean {
  return value.includes('{*}') || value.includes('{**}');
}

// uri_template_internal.cc kLiteral: RFC 3986 pchar without the sub-delims `*` and `=`.
const LITERAL_CLASS = "a-zA-Z0-9\\-._~%!$&'()+,;:@";
const LITERAL = new RegExp(`^[${LITERAL_CLASS}]+$`);
const ONE_SEGMENT = `[${LITERAL_CLASS}]+`;
const ANY_SEGMENTS = `[${LITERAL_CLASS}/]*`;

/**
 * Checks a template the way Istio's validation (CheckValidPathTemplate) and Envoy's parser accept it:
 * starts with `/`; every operator is a whole segment; no `*`, `{`, `}` elsewhere; nothing but
 * literals after `{**}`; literal segments are Envoy literals; only the last segment may be empty.
 * Returns an error sentence, or `undefined` when valid.
 *
 * @example
 * ```ts
 * checkPathTemplate('/api/{*}/orders');  // undefined
 * checkPathTemplate('/api/{**}/{*}');    // "operator after {**} ..."
 * ```
 */
export function checkPathTemplate(value: string): string | undefined {
  if (!value.startsWith('/')) return 'invalid or unsupported path template: must start with "/"';
  const segments = value.slice(1).split('/');
  let seenAny = false;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] ?? '';
    if (seg === '{*}' || seg === '{**}') {
      if (seenAny) return 'invalid or unsupported path template: operator after {**}';
      if (seg === '{**}') seenAny = true;
      continue;
    }
    if (seg === '' && i === segments.length - 1 && i > 0) continue;
    if (seg === '') return 'invalid or unsupported path template: empty segment';
    if (!LITERAL.test(seg)) {
      return `invalid or unsupported path template: segment "${seg}" must be {*}, {**} or a literal of RFC 3986 pchar characters (no "*", "=", "{", "}")`;
    }
  }
  return undefined;
}

/**
 * Compiles a valid template to the anchored expression Envoy builds.
 *
 * @example
 * ```ts
 * compilePathTemplate('/a/{**}').test('/a/x/y'); // true
 * compilePathTemplate('/a/{**}').test('/a');     // false
 * ```
 */
export function compilePathTemplate(value: string): RegExp {
  const segments = value.slice(1).split('/');
  let source = '^';
  for (const seg of segments) source += `/${seg === '{*}' ? ONE_SEGMENT : seg === '{**}' ? ANY_SEGMENTS : seg.replace(/[$()+.]/g, '\\$&')}`;
  return new RegExp(`${source}$`);
}
