export { MeshAuthError, OptionError, type MeshAuthErrorCode } from './errors.js';
export { createMeshAuth, type AuthorizeContext, type MeshAuth } from './engine.js';
export type { AllowedDecision, Decision, DecisionCode, DecisionFacts, DeniedDecision, DenialResponse, XfccIgnoredReason } from './decision.js';
export type { AccessDeniedBody } from './responses.js';
export { resolveOptions, type MeshAuthOptions, type PeerMode, type ResolvedOptions, type XfccOptions } from './options.js';
export { securityConfig, type MeshOptions, type PoliciesOption, type SecurityConfig } from './policy-setup.js';
export type { AuthInfo, MeshAuthClaims } from './auth-info.js';
export {
  applyAuthnMutations, createRequestAuthenticator, jwtRulesForWorkload, JwksFetchError, parseRequestAuthentication, reasonMessage, reasonStatus,
  RequestAuthnConfigError, type AuthnFailure, type AuthnPass, type AuthnReason, type AuthnRequest, type AuthnResult, type ClaimToHeader,
  type HeaderMutations, type JwksFetchFailure, type JwksOptions, type JwksSourceStatus, type JwtHeaderLocation, type JwtRule,
  type ParseRequestAuthnOptions, type ParseRequestAuthnResult, type RequestAuthentication, type RequestAuthenticator,
  type RequestAuthenticatorOptions, type TokenCacheOptions, type VerifiedJwt,
} from './authn/index.js';
export type { ManifestIssue } from './manifest/issues.js';
export type { HttpInput } from './request/http-input.js';
export { requestPath, toAuthzRequest, connectionAttributes, type ConnectionAttributes } from './request/authz-request.js';
export {
  EXPRESS_DEFAULT_ROUTER, FASTIFY_DEFAULT_ROUTER, fastifyRouterProfile, KOA_ROUTER_DEFAULT_ROUTER, pathToRegexpRouterProfile, UNKNOWN_ROUTER,
  type RouterProfile,
} from './request/router-profile.js';
export type { RequestContext } from './request/readings.js';
export { routePath, type MatchedRoute } from './request/route-path.js';
export type { RequestOptions, StricterRefusal } from './request/request-options.js';
export type { PathNormalization } from './request/path-canonical.js';
export type { RefusalCode, RefusalRule } from './request/refusal.js';
export { compileRouteRules, NotMountedError, RouteRules, type RouteRuleAction, type RouteRuleOptions, type RouteRulesInput } from './route-rules/index.js';
export { parseLabelsFile, resolveWorkload, type Workload, type WorkloadOptions } from './workload/pod-info.js';
export { PeerIdentity, type PeerSource } from './peer/peer-identity.js';
export { DEFAULT_TRUSTED_PROXIES, trustedHops, type TrustedHopCheck } from './peer/trusted-hops.js';
export { parseXfcc, XFCC_DEFAULT_MAX_LENGTH, type XfccElement, type XfccParseOptions } from './peer/xfcc-parse.js';
export { XfccError, type XfccErrorReason } from './peer/xfcc-error.js';
export { SpiffeId } from './spiffe/spiffe-id.js';
export { SpiffeIdError, TrustDomainError, type SpiffeIdErrorReason, type TrustDomainErrorReason } from './spiffe/spiffe-id-error.js';
export { TrustDomain } from './spiffe/trust-domain.js';
export { TrustBundleSet, type TrustBundleInput, type TrustBundleSource } from './spiffe/trust-bundle.js';
export { TrustBundleError, type TrustBundleErrorReason } from './spiffe/trust-bundle-error.js';
export { SvidError, verifyX509Svid, type SvidErrorReason, type VerifyX509SvidOptions, type X509SvidChain } from './spiffe/x509-svid.js';
export {
  ACCESS_ALLOWED, ACCESS_DENIED, compilePolicies, DEFAULT_ROOT_NAMESPACE, DEFAULT_TRUST_DOMAIN, DRY_RUN_ANNOTATION, evaluatePolicies,
  explainPolicies, formatIssue, isDryRun, loadManifestsSync, loadPolicies, loadPoliciesSync, parsePolicies, PolicyInvalidError, PolicyLoadError, PolicySnapshot, ruleId,
  type AppliedPolicy, type AuthorizationPolicy, type AuthorizationPolicySpec, type AuthzDecision, type AuthzExplanation, type AuthzJwt,
  type AuthzPeer, type AuthzRequest, type CompileOptions, type LoadedManifests, type CustomCheck, type DecidingAction, type DryRunResult, type FieldTrace,
  type ParseOptions, type PolicyAction, type PolicyCondition, type PolicyInput, type PolicyIssue, type PolicyOperation, type PolicyOrigin,
  type PolicyRule, type PolicySource, type PolicyTargetRef, type PolicyTrace, type RuleRef, type RuleTrace, type SkippedPolicy,
} from './policy/index.js';
