import {
  compilePolicies,
  evaluatePolicies,
  parsePolicies,
  type AuthorizationPolicy,
  type AuthorizationPolicySpec,
  type AuthzDecision,
  type AuthzRequest,
  type CompileOptions,
  type PolicySnapshot,
} from '../../src/policy/index.js';

/** A request with defaults: GET / on example.com, no peer, no JWT. */
export function req(overrides: Partial<AuthzRequest> = {}): AuthzRequest {
  return { method: 'GET', path: '/', host: 'example.com', headers: {}, ...overrides };
}

/** A peer with Istio's principal form. */
export function peer(principal: string): { principal: string } {
  return { principal };
}

/** A validated policy from a spec (namespace `shop` unless given). */
export function policy(name: string, spec: AuthorizationPolicySpec | Record<string, unknown>, namespace = 'shop', annotations?: Record<string, string>): AuthorizationPolicy {
  const doc = {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec,
  };
  const [p] = parsePolicies(doc);
  if (!p) throw new Error('no policy');
  return p;
}

/** Compiles for workload `shop` (options merged). */
export function snap(policies: readonly AuthorizationPolicy[], options: Partial<CompileOptions> = {}): PolicySnapshot {
  return compilePolicies(policies, { namespace: 'shop', ...options });
}

/** Evaluates a single-policy set: does the rule set of one ALLOW policy match? */
export function allows(spec: AuthorizationPolicySpec | Record<string, unknown>, r: AuthzRequest, options: Partial<CompileOptions> = {}): boolean {
  return evaluatePolicies(snap([policy('p', spec)], options), r).allowed;
}

/** Whether one rule `rule` (as an ALLOW policy) matches the request. */
export function matches(rule: Record<string, unknown>, r: AuthzRequest, options: Partial<CompileOptions> = {}): boolean {
  return allows({ rules: [rule] }, r, options);
}

/** Whether one rule, as a DENY policy, denies the request. */
export function denies(rule: Record<string, unknown>, r: AuthzRequest, options: Partial<CompileOptions> = {}): boolean {
  return !evaluatePolicies(snap([policy('d', { action: 'DENY', rules: [rule] })], options), r).allowed;
}

export function decide(policies: readonly AuthorizationPolicy[], r: AuthzRequest, options: Partial<CompileOptions> = {}): AuthzDecision {
  return evaluatePolicies(snap(policies, options), r);
}
