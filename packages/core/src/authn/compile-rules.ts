import { compileAudiences, type AudienceCheck } from './audiences.js';
import { RequestAuthnConfigError } from './errors.js';
import { IssueCollector } from '../manifest/issues.js';
import { InlineJwksSource, type JwksSource } from './jwks-source.js';
import { parseJwksText } from './key-store.js';
import type { ClaimToHeader, JwtRule } from './model.js';
import type { ResolvedAuthnOptions } from './options.js';
import type { ClaimOutput } from './outputs.js';
import { RemoteJwksSource } from './remote-jwks-source.js';
import { checkJwtRule } from './validate-jwt-rule.js';

/**
 * Turning rules into what a request needs, once: checked (the same checks as manifests), sorted by
 * issuer as istiod sorts the merged rules (`policy_applier.go` convertToEnvoyJwtConfig; no
 * deduplication, TODO istio#19245), with audiences, outputs and key sources prepared. Rules
 * naming the same key-set URL (or the same issuer for discovery) with the same timeout share one
 * source, so one URL is fetched once.
 */

/** Claims Envoy splits on spaces for every rule (istiod adds them to `space_delimited_claims`). */
const DEFAULT_SPACE_DELIMITED = ['permission', 'scope'];
/** jwt_authn's JWKS fetch timeout when the rule sets none (istiod default 5 s). */
const DEFAULT_TIMEOUT_MS = 5000;
const NO_CLAIMS: readonly ClaimToHeader[] = [];

/**
 * One rule, ready to verify with.
 *
 * @example
 * ```ts
 * const { rules } = compileRules([{ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }], resolveAuthnOptions());
 * rules[0]?.source.keys(Date.now());
 * ```
 */
export interface CompiledRule {
  readonly index: number;
  readonly rule: JwtRule;
  readonly issuer: string;
  readonly audiences: AudienceCheck | undefined;
  readonly source: JwksSource;
  readonly forward: boolean;
  readonly payloadHeader: string | undefined;
  readonly claimOutputs: readonly ClaimOutput[];
  readonly spaceDelimited: ReadonlySet<string>;
}

/**
 * Rules plus the sources they share.
 *
 * @example
 * ```ts
 * const compiled: CompiledRules = compileRules(rules, resolveAuthnOptions());
 * ```
 */
export interface CompiledRules {
  readonly rules: readonly CompiledRule[];
  readonly sources: readonly JwksSource[];
}

function sourceFor(rule: JwtRule, options: ResolvedAuthnOptions, shared: Map<string, JwksSource>): JwksSource {
  if (rule.jwks !== undefined) {
    const parsed = parseJwksText(rule.jwks);
    // Checked by checkJwtRule; an unparsable set cannot reach here.
    if ('error' in parsed) throw new RequestAuthnConfigError([{ field: 'jwks', message: parsed.error }]);
    return new InlineJwksSource(parsed.store);
  }
  const timeoutMs = rule.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const key = `${rule.jwksUri ?? `discovery:${rule.issuer}`} ${timeoutMs}`;
  let source = shared.get(key);
  if (source === undefined) {
    source = new RemoteJwksSource({
      jwksUri: rule.jwksUri,
      issuer: rule.issuer,
      timeoutMs,
      timing: options.timing,
      clock: options.clock,
      onError: options.onJwksError,
      prefetch: options.prefetch,
    });
    shared.set(key, source);
  }
  return source;
}

/**
 * Checks, sorts and prepares rules; throws {@link RequestAuthnConfigError} listing every problem.
 *
 * @example
 * ```ts
 * const { rules, sources } = compileRules(jwtRules, resolveAuthnOptions());
 * ```
 */
export function compileRules(input: readonly JwtRule[], options: ResolvedAuthnOptions): CompiledRules {
  if (!Array.isArray(input as unknown)) throw new RequestAuthnConfigError([{ field: 'rules', message: 'must be a list of jwtRules' }]);
  const c = new IssueCollector();
  input.forEach((rule, i) => {
    if (typeof rule !== 'object' || rule === null) c.error(`rules[${i}]`, 'must be an object');
    else checkJwtRule(c, rule, `rules[${i}]`);
  });
  if (c.errors.length > 0) throw new RequestAuthnConfigError(c.errors);
  // Array.prototype.sort is stable: rules of one issuer keep their input order.
  const sorted = [...input].sort((a, b) => (a.issuer < b.issuer ? -1 : a.issuer > b.issuer ? 1 : 0));
  const shared = new Map<string, JwksSource>();
  const sources: JwksSource[] = [];
  const rules = sorted.map((rule, index): CompiledRule => {
    const source = sourceFor(rule, options, shared);
    if (!sources.includes(source)) sources.push(source);
    return {
      index,
      rule,
      issuer: rule.issuer,
      audiences: compileAudiences(rule.audiences),
      source,
      forward: rule.forwardOriginalToken === true,
      payloadHeader: rule.outputPayloadToHeader?.toLowerCase(),
      claimOutputs: (rule.outputClaimToHeaders ?? NO_CLAIMS).map((o) => ({ header: o.header.toLowerCase(), path: o.claim.split('.') })),
      spaceDelimited: new Set([...DEFAULT_SPACE_DELIMITED, ...(rule.spaceDelimitedClaims ?? [])]),
    };
  });
  return { rules, sources };
}
