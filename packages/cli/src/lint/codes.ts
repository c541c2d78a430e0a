/**
 * The lint codes. Codes are stable: a code is never reused for another check, so CI settings
 * (`--ignore MA005`) keep their meaning across versions.
 */

/** Every lint code. */
export type LintCode =
  | 'MA001'
  | 'MA002'
  | 'MA003'
  | 'MA004'
  | 'MA005'
  | 'MA006'
  | 'MA007'
  | 'MA008'
  | 'MA009'
  | 'MA010'
  | 'MA011'
  | 'MA012'
  | 'MA013'
  | 'MA014'
  | 'MA015'
  | 'MA016'
  | 'MA017'
  | 'MA018';

/**
 * What a code checks, and the fix when a finding has no more specific one.
 *
 * @example
 * ```ts
 * LINT_CODES.MA008.title; // 'lower-case method'
 * ```
 */
export interface LintCodeInfo {
  /** A few words, for listings. */
  readonly title: string;
  /** The default one-line fix. */
  readonly hint: string;
}

/**
 * The catalogue of lint codes.
 *
 * @example
 * ```ts
 * for (const [code, info] of Object.entries(LINT_CODES)) console.log(code, info.title);
 * ```
 */
export const LINT_CODES: Readonly<Record<LintCode, LintCodeInfo>> = Object.freeze({
  MA001: { title: 'principal not in trust-domain/ns/namespace/sa/service-account form', hint: 'write the full principal, e.g. "cluster.local/ns/<namespace>/sa/<service-account>"' },
  MA002: { title: 'spiffe:// prefix in a principal or namespace', hint: 'drop "spiffe://": Istio adds it' },
  MA003: { title: 'notPaths in an ALLOW policy', hint: 'to deny these paths use a DENY policy with paths; to let them through add an ALLOW rule that matches them' },
  MA004: { title: 'HTTP-only fields in a DENY or CUSTOM rule without ports', hint: 'add `ports` (the HTTP ports) to the operation, as istiod recommends' },
  MA005: { title: 'ipBlocks / source.ip match the direct peer, not the client behind a proxy', hint: 'to match the client behind a gateway or load balancer, use remoteIpBlocks / remote.ip' },
  MA006: { title: 'DENY rule with only negative matches', hint: 'list the requests to deny with positive fields (paths, principals…); keep the notX form only for "deny everything else"' },
  MA007: { title: 'host without port, or host prefix', hint: 'list the host with and without port, e.g. ["example.com", "example.com:*"]' },
  MA008: { title: 'lower-case method', hint: 'write the method in upper case' },
  MA009: { title: 'path without a leading /', hint: 'start the path with "/"' },
  MA010: { title: '* in the middle of a value (a literal character)', hint: 'use exact, prefix (abc*), suffix (*abc) or presence (*) values' },
  MA011: { title: 'query or fragment in a path', hint: 'match the path only: Istio strips ?query and #fragment before matching' },
  MA012: { title: 'DENY on an exact path leaves its sub-paths open', hint: 'add the prefix form, e.g. "/admin/*", next to "/admin"' },
  MA013: { title: 'ALLOW with only negative identity fields admits plaintext', hint: 'add a positive field such as principals: ["*"] (requires mTLS), or enforce STRICT mTLS' },
  MA014: { title: 'istio.io/dry-run value is not a boolean', hint: 'write "true" or "false"' },
  MA015: { title: 'selector without labels', hint: 'add matchLabels, or remove the selector to apply the policy to the whole namespace' },
  MA016: { title: 'condition Istio cannot build', hint: 'use a supported when key (request.headers[name], request.auth.claims[name], source.ip, …)' },
  MA017: { title: 'other validation warning', hint: 'see the message' },
  MA018: { title: 'ALLOW rule dropped on TCP ports (--tcp)', hint: 'allow TCP traffic in a separate rule without HTTP fields (ports, principals, namespaces…)' },
});

/**
 * Whether `s` is a lint code.
 *
 * @example
 * ```ts
 * isLintCode('MA005'); // true
 * ```
 */
export function isLintCode(s: string): s is LintCode {
  return Object.hasOwn(LINT_CODES, s);
}
