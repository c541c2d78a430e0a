import type { TargetRef } from '../manifest/common-fields.js';
/**
 * The AuthorizationPolicy resource as `kubectl apply` takes it (istio/api
 * `security/v1beta1/authorization_policy.proto`, served as `security.istio.io/v1` and `v1beta1`),
 * after validation. Lists stay `undefined` when absent, because Istio distinguishes an absent
 * `rules` from other shapes in places (validation of DENY/CUSTOM).
 */

/** What a policy does when a rule matches. `ALLOW` when the manifest omits `action`. */
export type PolicyAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/**
 * Source of a request; fields are ANDed, the values of one field ORed.
 *
 * @example
 * ```ts
 * const src: PolicySource = { principals: ['cluster.local/ns/shop/sa/frontend'], notIpBlocks: ['203.0.113.4'] };
 * ```
 */
export interface PolicySource {
  readonly principals?: readonly string[];
  readonly notPrincipals?: readonly string[];
  readonly requestPrincipals?: readonly string[];
  readonly notRequestPrincipals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly notNamespaces?: readonly string[];
  readonly serviceAccounts?: readonly string[];
  readonly notServiceAccounts?: readonly string[];
  readonly trustDomains?: readonly string[];
  readonly notTrustDomains?: readonly string[];
  readonly ipBlocks?: readonly string[];
  readonly notIpBlocks?: readonly string[];
  readonly remoteIpBlocks?: readonly string[];
  readonly notRemoteIpBlocks?: readonly string[];
}

/**
 * Operation of a request; fields are ANDed, the values of one field ORed.
 *
 * @example
 * ```ts
 * const op: PolicyOperation = { methods: ['GET', 'HEAD'], paths: ['/api/*'], notPaths: ['/api/admin*'] };
 * ```
 */
export interface PolicyOperation {
  readonly hosts?: readonly string[];
  readonly notHosts?: readonly string[];
  readonly ports?: readonly string[];
  readonly notPorts?: readonly string[];
  readonly methods?: readonly string[];
  readonly notMethods?: readonly string[];
  readonly paths?: readonly string[];
  readonly notPaths?: readonly string[];
}

/**
 * A `when` condition on an Istio attribute key.
 *
 * @example
 * ```ts
 * const c: PolicyCondition = { key: 'request.auth.claims[groups]', values: ['admins'] };
 * ```
 */
export interface PolicyCondition {
  readonly key: string;
  readonly values?: readonly string[];
  readonly notValues?: readonly string[];
}

/**
 * One rule: any source, any operation, all conditions.
 *
 * @example
 * ```ts
 * const rule: PolicyRule = { from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { methods: ['GET'] } }] };
 * ```
 */
export interface PolicyRule {
  readonly from?: readonly { readonly source: PolicySource }[];
  readonly to?: readonly { readonly operation: PolicyOperation }[];
  readonly when?: readonly PolicyCondition[];
}

/**
 * A `targetRef`/`targetRefs` entry (Gateway API attachment). Policies carrying one never apply to a sidecar.
 *
 * @example
 * ```ts
 * const ref: PolicyTargetRef = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'web' };
 * ```
 */
export type PolicyTargetRef = TargetRef;

/**
 * The `spec` of an AuthorizationPolicy.
 *
 * @example
 * ```ts
 * const spec: AuthorizationPolicySpec = { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] };
 * ```
 */
export interface AuthorizationPolicySpec {
  readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
  readonly targetRef?: PolicyTargetRef;
  readonly targetRefs?: readonly PolicyTargetRef[];
  readonly action?: PolicyAction;
  readonly provider?: { readonly name: string };
  readonly rules?: readonly PolicyRule[];
}

/**
 * Where a loaded policy came from, for messages and explanations.
 *
 * @example
 * ```ts
 * const o: PolicyOrigin = { file: 'policies/deny.yaml', document: 2 };
 * ```
 */
export interface PolicyOrigin {
  readonly file?: string;
  readonly document?: number;
}

/**
 * A validated AuthorizationPolicy.
 *
 * @example
 * ```ts
 * const p: AuthorizationPolicy = {
 *   apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy',
 *   metadata: { name: 'allow-nothing', namespace: 'shop' }, spec: {},
 * };
 * ```
 */
export interface AuthorizationPolicy {
  readonly apiVersion: 'security.istio.io/v1' | 'security.istio.io/v1beta1';
  readonly kind: 'AuthorizationPolicy';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec: AuthorizationPolicySpec;
  /** Set by the loader; absent on hand-made objects. */
  readonly origin?: PolicyOrigin;
}
