/**
 * Audience checks as jwt_verify_lib makes them (`src/check_audience.cc`): both the configured and
 * the token audiences are sanitised (a leading `http://` or `https://` removed, then one trailing
 * `/`), then compared exactly, case-sensitively. A token passes when any of its audiences equals
 * any configured one. No configured audience means no check at all (Istio passes the empty list
 * to Envoy; the API comment about the service name is not implemented).
 */

/**
 * Sanitises one audience for comparison.
 *
 * @example
 * ```ts
 * sanitizeAudience('https://api.example.com/'); // 'api.example.com'
 * sanitizeAudience('http://a//');               // 'a/'
 * ```
 */
export function sanitizeAudience(aud: string): string {
  let start = 0;
  if (aud.startsWith('http://')) start = 7;
  else if (aud.startsWith('https://')) start = 8;
  let end = aud.length;
  if (end > start && aud.charCodeAt(end - 1) === 0x2f /* / */) end--;
  return start === 0 && end === aud.length ? aud : aud.slice(start, end);
}

/**
 * A rule's audience check, compiled once. `undefined` when the rule configures no audiences.
 *
 * @example
 * ```ts
 * const check = compileAudiences(['https://orders.example.com']);
 * check?.allows(['orders.example.com/']); // true
 * check?.allows([]);                      // false: audiences configured, token has none
 * ```
 */
export interface AudienceCheck {
  allows(tokenAudiences: readonly string[]): boolean;
}

/**
 * Compiles a rule's `audiences` into an {@link AudienceCheck}.
 *
 * @example
 * ```ts
 * const check = compileAudiences(rule.audiences);
 * if (check && !check.allows(claims.audiences)) return 'JWT_AUDIENCE_NOT_ALLOWED';
 * ```
 */
export function compileAudiences(audiences: readonly string[] | undefined): AudienceCheck | undefined {
  if (audiences === undefined || audiences.length === 0) return undefined;
  const allowed = new Set(audiences.map(sanitizeAudience));
  return {
    allows(tokenAudiences) {
      for (const a of tokenAudiences) if (allowed.has(sanitizeAudience(a))) return true;
      return false;
    },
  };
}
