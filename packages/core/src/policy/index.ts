/**
 * The framework-free AuthorizationPolicy engine: load and validate manifests, scope them to a
 * workload, compile once, evaluate per request, explain on demand.
 */
export { compilePolicies, ruleId } from './compile.js';
export { ACCESS_ALLOWED, ACCESS_DENIED } from './decision.js';
export type { AuthzDecision, CustomCheck, DecidingAction, DryRunResult, RuleRef } from './decision.js';
export { DRY_RUN_ANNOTATION, isDryRun } from './dry-run.js';
export { PolicyInvalidError, PolicyLoadError, formatIssue } from './errors.js';
export type { PolicyIssue } from './errors.js';
export { evaluatePolicies } from './evaluate.js';
export { explainPolicies } from './explain.js';
export type { AuthzExplanation, FieldTrace, PolicyTrace, RuleTrace } from './explain.js';
export { loadManifestsSync, loadPolicies, loadPoliciesSync, parsePolicies } from './loader.js';
export type { LoadedManifests, ParseOptions, PolicyInput } from './loader.js';
export { DEFAULT_ROOT_NAMESPACE, DEFAULT_TRUST_DOMAIN } from './options.js';
export type { CompileOptions, ResolvedOptions } from './options.js';
export type { AuthzJwt, AuthzPeer, AuthzRequest } from './request.js';
export { PolicySnapshot } from './snapshot.js';
export type { AppliedPolicy, SkippedPolicy } from './snapshot.js';
export type {
  AuthorizationPolicy,
  AuthorizationPolicySpec,
  PolicyAction,
  PolicyCondition,
  PolicyOperation,
  PolicyOrigin,
  PolicyRule,
  PolicySource,
  PolicyTargetRef,
} from './types.js';
