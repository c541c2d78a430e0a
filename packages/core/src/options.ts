import type { Decision } from './decision.js';
import type { RequestAuthenticatorOptions } from './authn/options.js';
import { securityConfig, type MeshOptions, type PoliciesOption, type SecurityConfig } from './policy-setup.js';
import type { AccessDeniedBody } from './responses.js';
import type { WorkloadOptions } from './workload/pod-info.js';
import { OptionError } from './errors.js';
import { DEFAULT_TRUSTED_PROXIES, trustedHops, type TrustedHopCheck } from './peer/trusted-hops.js';
import type { XfccTrust } from './peer/xfcc-peer.js';
import type { HttpInput } from './request/http-input.js';
import { resolveRequestOptions, type RequestOptions, type ResolvedRequestOptions } from './request/request-options.js';
import { SpiffeId } from './spiffe/spiffe-id.js';
import { TrustBundleSet, type TrustBundleInput } from './spiffe/trust-bundle.js';
import { TrustDomain } from './spiffe/trust-domain.js';

/**
 * Where the caller's identity is read from.
 * - `auto`: the TLS client certificate when Node terminated mTLS, else a trusted `X-Forwarded-Client-Cert`.
 * - `tls`: only the TLS client certificate (direct mTLS, no sidecar); forwarded headers are ignored.
 * - `xfcc`: only a trusted `X-Forwarded-Client-Cert` (behind a sidecar).
 */
export type PeerMode = 'auto' | 'tls' | 'xfcc';

/** How the `X-Forwarded-Client-Cert` header of a trusted hop is read. */
export interface XfccOptions {
  /**
   * This workload's own SPIFFE ID. When set, the element the nearest proxy appended must list it
   * in `By`: a guard against a header written by some other proxy.
   */
  expectBy?: string;
  /**
   * Set when the proxy rewrites the header (Envoy `SANITIZE_SET`, Istio gateways): a header with
   * more than one element was then forged upstream and is refused.
   */
  requireSingleElement?: boolean;
}

/**
 * Options of {@link createMeshAuth} and of every adapter's `meshAuth(options)`.
 *
 * @example
 * ```ts
 * const options: MeshAuthOptions = {
 *   mode: 'auto',
 *   trustBundles: { 'cluster.local': { file: '/etc/certs/root-cert.pem' } },
 *   requirePeer: true,
 * };
 * ```
 */
export interface MeshAuthOptions {
  /** Where the identity comes from. Default `auto`. */
  mode?: PeerMode;
  /**
   * CA certificates per trust domain, used to verify TLS client certificates. Each certificate is
   * checked only against the bundle of its own trust domain. Required with `mode: 'tls'`.
   */
  trustBundles?: TrustBundleInput;
  /** When set, only identities in these trust domains are accepted (TLS and forwarded alike). */
  trustDomains?: readonly string[];
  /**
   * IPs and CIDR ranges whose `X-Forwarded-Client-Cert` is believed. Default: loopback and `::6`,
   * which is where Istio's sidecar connects from. A header from any other peer is ignored.
   */
  trustedProxies?: readonly string[];
  /** Refuse requests that carry no verified peer identity with 401 `PEER_REQUIRED`. Default `false`. */
  requirePeer?: boolean;
  xfcc?: XfccOptions;
  /**
   * AuthorizationPolicy manifests to enforce: file or directory paths (the YAML `kubectl apply`
   * takes), `{ text, file? }`, manifest objects, or a compiled `PolicySnapshot`. Loaded, validated,
   * scoped to this workload and compiled when the middleware is made.
   */
  policies?: PoliciesOption;
  /**
   * How RequestAuthentication JWTs are checked: the verified-token cache (`cache: false` turns it
   * off), `maxTokenBytes`, key-set refresh timings, `onJwksError`.
   */
  jwt?: RequestAuthenticatorOptions;
  /** This workload's namespace and labels, for scoping. Default: from the pod's environment. */
  workload?: WorkloadOptions;
  /** Mesh-wide settings that change matching. */
  mesh?: MeshOptions;
  /** How a policy denial is answered: `'text'` (Envoy's `RBAC: access denied`, default) or `'json'`. */
  accessDeniedBody?: AccessDeniedBody;
  /**
   * Envoy's `xff_num_trusted_hops` for `remote.ip`: how many proxies in front appended to
   * `X-Forwarded-For`. Read only on connections from a trusted hop. Default 0.
   */
  numTrustedProxies?: number;
  /** Called with every decision, allowed or not: a decision log, metrics. Must not throw. */
  onDecision?: (decision: Decision, request: HttpInput) => void;
  /**
   * How the path, method and host that policies see are read, and which ambiguous requests are
   * refused with 400 on top of the defaults (which cannot be removed).
   */
  request?: RequestOptions;
}

/** Options after validation, in the form the request path uses. */
export interface ResolvedOptions {
  readonly mode: PeerMode;
  readonly bundles: TrustBundleSet;
  readonly trustDomains: ReadonlySet<string> | undefined;
  readonly isTrustedHop: TrustedHopCheck;
  readonly requirePeer: boolean;
  readonly xfcc: XfccTrust;
  readonly onDecision: ((decision: Decision, request: HttpInput) => void) | undefined;
  readonly security: SecurityConfig | undefined;
  readonly accessDeniedBody: AccessDeniedBody;
  readonly numTrustedProxies: number;
  readonly request: ResolvedRequestOptions;
}

const KNOWN = new Set([
  'mode', 'trustBundles', 'trustDomains', 'trustedProxies', 'requirePeer', 'xfcc', 'policies', 'workload', 'mesh', 'jwt',
  'accessDeniedBody', 'numTrustedProxies', 'onDecision', 'request',
]);
const KNOWN_XFCC = new Set(['expectBy', 'requireSingleElement']);
const MODES: readonly PeerMode[] = ['auto', 'tls', 'xfcc'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalBoolean(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new OptionError(name, 'must be a boolean');
  return value;
}

function rejectUnknown(value: Record<string, unknown>, known: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new OptionError(prefix + key, `is not a known option (known: ${[...known].join(', ')})`);
  }
}

/**
 * Checks options once, at construction, with messages that name the option. Nothing is
 * re-checked per request.
 *
 * @example
 * ```ts
 * resolveOptions({ mode: 'tls' }); // throws OptionError: "trustBundles" option is required when "mode" is "tls"
 * ```
 */
export function resolveOptions(options: MeshAuthOptions = {}): ResolvedOptions {
  const raw: unknown = options;
  if (!isRecord(raw)) throw new OptionError('options', 'must be an object');
  rejectUnknown(raw, KNOWN, '');
  const mode = options.mode ?? 'auto';
  if (!MODES.includes(mode)) throw new OptionError('mode', `must be one of ${MODES.map((m) => `"${m}"`).join(', ')}`);
  if (mode === 'tls' && options.trustBundles === undefined) {
    throw new OptionError('trustBundles', 'is required when "mode" is "tls"');
  }
  let bundles: TrustBundleSet;
  try {
    bundles = TrustBundleSet.from(options.trustBundles ?? {});
  } catch (err) {
    throw new OptionError('trustBundles', `is invalid: ${(err as Error).message}`, { cause: err });
  }
  let trustDomains: Set<string> | undefined;
  if (options.trustDomains !== undefined) {
    if (!Array.isArray(options.trustDomains) || options.trustDomains.length === 0) {
      throw new OptionError('trustDomains', 'must be a non-empty array of trust domain names');
    }
    trustDomains = new Set();
    options.trustDomains.forEach((name, i) => {
      try {
        trustDomains?.add(TrustDomain.parse(name).name);
      } catch (err) {
        throw new OptionError(`trustDomains[${i}]`, `is invalid: ${(err as Error).message}`, { cause: err });
      }
    });
  }
  const isTrustedHop = trustedHops(options.trustedProxies ?? DEFAULT_TRUSTED_PROXIES);
  const xfcc: XfccOptions = options.xfcc ?? {};
  const rawXfcc: unknown = xfcc;
  if (!isRecord(rawXfcc)) throw new OptionError('xfcc', 'must be an object');
  rejectUnknown(rawXfcc, KNOWN_XFCC, 'xfcc.');
  let expectBy: string | undefined;
  if (xfcc.expectBy !== undefined) {
    try {
      expectBy = SpiffeId.parse(xfcc.expectBy).toString();
    } catch (err) {
      throw new OptionError('xfcc.expectBy', `must be this workload's SPIFFE ID: ${(err as Error).message}`, { cause: err });
    }
  }
  if (options.onDecision !== undefined && typeof options.onDecision !== 'function') {
    throw new OptionError('onDecision', 'must be a function');
  }
  const accessDeniedBody = options.accessDeniedBody ?? 'text';
  if (accessDeniedBody !== 'text' && accessDeniedBody !== 'json') throw new OptionError('accessDeniedBody', 'must be "text" or "json"');
  const numTrustedProxies = options.numTrustedProxies ?? 0;
  if (!Number.isInteger(numTrustedProxies) || numTrustedProxies < 0) throw new OptionError('numTrustedProxies', 'must be a non-negative integer');
  for (const key of ['workload', 'mesh', 'jwt'] as const) {
    if (options.policies === undefined && options[key] !== undefined) throw new OptionError(key, 'only applies together with "policies"');
  }
  return {
    mode,
    bundles,
    trustDomains,
    isTrustedHop,
    requirePeer: optionalBoolean(options.requirePeer, 'requirePeer'),
    xfcc: { expectBy, requireSingleElement: optionalBoolean(xfcc.requireSingleElement, 'xfcc.requireSingleElement') },
    onDecision: options.onDecision,
    security: options.policies === undefined ? undefined : securityConfig(options.policies, options.workload, options.mesh, options.jwt),
    accessDeniedBody,
    numTrustedProxies,
    request: resolveRequestOptions(options.request),
  };
}
