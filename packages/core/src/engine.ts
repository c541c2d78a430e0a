import type { Socket } from 'node:net';
import { withAuthn } from './authn-stage.js';
import type { RequestAuthenticator } from './authn/authenticator.js';
import { authorizeReadings, refuse } from './authz-stage.js';
import type { AllowedDecision, Decision } from './decision.js';
import { identityDecision, internalErrorDecision } from './identity-decision.js';
import { resolveOptions, type MeshAuthOptions, type ResolvedOptions } from './options.js';
import { connectionFacts, resolvePeer, type ConnectionFacts } from './peer/resolve-peer.js';
import type { VerifiedChains } from './peer/tls-peer.js';
import { securityConfig, type PoliciesOption, type SecurityConfig } from './policy-setup.js';
import { explainPolicies, type AuthzExplanation } from './policy/explain.js';
import type { PolicySnapshot } from './policy/snapshot.js';
import { connectionAttributes, toAuthzRequest, type ConnectionAttributes } from './request/authz-request.js';
import type { HttpInput } from './request/http-input.js';
import { policyView } from './request/policy-view.js';
import { readRequest, refusalOf, type RequestContext } from './request/readings.js';
import { isRefusal } from './request/refusal.js';
import { routeRulesOf, type RouteRuleOptions, type RouteRulesInput } from './route-rules/compile.js';
import { resolveWorkload } from './workload/pod-info.js';
import { denialResponses } from './responses.js';
import { RecentXfccDecisions, XfccDecisions } from './xfcc-decisions.js';

/** What one connection has taught the engine, kept for its later requests. */
interface ConnectionState {
  readonly facts: ConnectionFacts;
  attributes: ConnectionAttributes | undefined;
  /** The identity decision for `header`, valid until `validUntil`. */
  header: string | undefined;
  identity: Decision | undefined;
  validUntil: number;
  /** The XFCC header alone decides this connection's identity: a trusted hop, and no TLS peer to prefer. */
  readonly headerDecides: boolean;
  /** For such a connection: the decisions for the last few headers it carried. */
  recent: RecentXfccDecisions | undefined;
}

const XFCC = 'x-forwarded-client-cert';

/**
 * What a route guard or handler passes to {@link MeshAuth.authorize}: the router facts, and the
 * decision the middleware already made for the request (its peer and JWT are reused).
 *
 * @example
 * ```ts
 * engine.authorize(req, rules, { router: EXPRESS_DEFAULT_ROUTER, decision: req.meshAuth });
 * ```
 */
export interface AuthorizeContext extends RequestContext {
  readonly decision?: Decision | undefined;
}

/** The request as the JWT stage changes it (headers it removes or sets, a token taken out of the query). */
type Mutable = { headers: Record<string, unknown>; url?: string | undefined };

/**
 * meshauth's single entry point: one request in, one {@link Decision} out. Framework adapters
 * call it; so can a plain `node:http` server.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMeshAuth } from '@meshauth/core';
 *
 * const engine = createMeshAuth({ requirePeer: true, policies: './policies' });
 * createServer(async (req, res) => {
 *   const decision = await engine.decide(req);
 *   if (decision.response) return void res.writeHead(decision.response.status, decision.response.headers).end(decision.response.body);
 *   res.end(`hello ${decision.peer}`);
 * }).listen(8080);
 * ```
 */
export interface MeshAuth {
  /**
   * Decides one request. Synchronous today; typed as possibly asynchronous because later stages
   * (remote key sets, external authorizers) may need to wait. Never throws: an internal failure
   * is a denial with `INTERNAL_ERROR`.
   */
  decide(request: HttpInput, context?: RequestContext): Decision | Promise<Decision>;
  /** Every policy and rule considered for this request and why each matched or not; `undefined` without policies. */
  explain(request: HttpInput, context?: RequestContext): AuthzExplanation | undefined;
  /**
   * Decides route rules (or a rule) for a request: route guards and in-handler checks that need
   * application data. Ambiguous requests are refused (400) as for policies; a denial is 403
   * `ACCESS_DENIED`. Synchronous; does not call `onDecision`.
   */
  authorize(request: HttpInput, rules: RouteRulesInput, context?: AuthorizeContext): Decision;
  /**
   * Loads and compiles a new set of AuthorizationPolicy and RequestAuthentication manifests and
   * swaps it in atomically. On any error it throws and the current set stays in force.
   */
  updatePolicies(policies: PoliciesOption): void;
  /** The policies in force. */
  readonly policies: PolicySnapshot | undefined;
  /** The JWT checks in force (RequestAuthentication), if any: key-set status, `ready()`. */
  readonly authenticator: RequestAuthenticator | undefined;
  /** Stops background work (key-set refreshes). */
  close(): void;
  /** The validated options. */
  readonly options: ResolvedOptions;
}

/**
 * Builds the request pipeline once from options; everything that can be prepared (trust bundles,
 * trusted hops, compiled policies, refusal bodies) is prepared here, so a request only reads.
 *
 * @example
 * ```ts
 * const engine = createMeshAuth({ trustBundles: { 'cluster.local': rootPem }, requirePeer: true });
 * ```
 */
export function createMeshAuth(options: MeshAuthOptions = {}): MeshAuth {
  const resolved = resolveOptions(options);
  const connections = new WeakMap<Socket, ConnectionState>();
  const respond = denialResponses(resolved.accessDeniedBody);
  const verified: VerifiedChains = new Map();
  const xfccDecisions = new XfccDecisions();
  const { onDecision, numTrustedProxies } = resolved;
  let security: SecurityConfig | undefined = resolved.security;

  function stateOf(socket: Socket): ConnectionState {
    let state = connections.get(socket);
    if (state === undefined) {
      const facts = connectionFacts(socket, resolved);
      const headerDecides = facts.trustedHop && !(facts.encrypted && resolved.mode !== 'xfcc');
      state = { facts, attributes: undefined, header: undefined, identity: undefined, validUntil: 0, headerDecides, recent: undefined };
      connections.set(socket, state);
    }
    return state;
  }

  function identityOf(request: HttpInput, state: ConnectionState): Decision {
    const raw = request.headers[XFCC];
    const header = Array.isArray(raw) ? raw.join(',') : raw;
    // Only a TLS chain can expire under a cached decision; the clock is read only then.
    if (state.identity !== undefined && state.header === header && (state.validUntil === Infinity || Date.now() <= state.validUntil)) {
      return state.identity;
    }
    let identity: Decision;
    let validUntil = Infinity;
    if (state.headerDecides && header !== undefined) {
      // Decided by the header alone: the same for every trusted connection, and it never expires.
      // A connection that carries several callers in turn compares its last few headers before
      // the shared map: a fresh header string has no hash yet, and comparing it with a few kept
      // ones costs less than hashing all of it. Its slots are made when a second header arrives.
      const kept = state.recent?.get(header);
      if (kept !== undefined) {
        identity = kept;
      } else {
        identity = xfccDecisions.get(header) ?? xfccDecisions.remember(header, identityFrom(request, state, header));
        if (state.identity !== undefined) (state.recent ??= new RecentXfccDecisions()).remember(header, identity);
      }
    } else {
      const resolution = resolvePeer(request.socket, state.facts, header, resolved, verified, Date.now());
      identity = identityDecision(resolution, resolved, respond);
      validUntil = resolution.validUntil;
    }
    state.header = header;
    state.identity = identity;
    state.validUntil = validUntil;
    return identity;
  }

  function identityFrom(request: HttpInput, state: ConnectionState, header: string): Decision {
    return identityDecision(resolvePeer(request.socket, state.facts, header, resolved, verified, Date.now()), resolved, respond);
  }

  function authzRequest(request: HttpInput, state: ConnectionState, decision: Decision) {
    state.attributes ??= connectionAttributes(request.socket);
    return toAuthzRequest(request, state.attributes, decision.peer, decision.auth, state.facts.trustedHop, numTrustedProxies);
  }

  // Every reading of the request (path spelling x method x host) against the snapshot, or 400.
  function authorizeAll(decision: AllowedDecision, snapshot: PolicySnapshot, request: HttpInput, state: ConnectionState, context: RequestContext | undefined): Decision {
    // No AuthorizationPolicy applies (e.g. only RequestAuthentication was given): every request is
    // allowed whatever its spelling, so there is nothing to read twice or to refuse.
    if (snapshot.policies.length === 0) return decision;
    const readings = readRequest(request, context, authzRequest(request, state, decision), policyView(snapshot), resolved.request, state.facts.trustedHop);
    return isRefusal(readings) ? refuse(decision, readings, respond) : authorizeReadings(decision, readings, respond);
  }

  function authorizeAfterAuthn(decision: Decision, request: HttpInput, state: ConnectionState, current: SecurityConfig, context: RequestContext | undefined): Decision {
    if (!decision.allowed) return decision;
    return authorizeAll(decision, current.policies, request, state, context);
  }

  function decideOnce(request: HttpInput, context: RequestContext | undefined): Decision | Promise<Decision> {
    const state = stateOf(request.socket);
    const identity = identityOf(request, state);
    const current = security;
    if (!identity.allowed) return identity;
    if (current === undefined) {
      // Without policies there is no path rule to bypass: refusing is opt-in (request.refuseAlways).
      const refused = resolved.request.refuseAlways ? refusalOf(request, context, resolved.request, state.facts.trustedHop) : undefined;
      return refused === undefined ? identity : refuse(identity, refused, respond);
    }
    const authenticator = current.authenticator;
    if (authenticator === undefined) return authorizeAll(identity, current.policies, request, state, context);
    const result = authenticator.authenticate({ method: request.method, url: request.url, headers: request.headers, scheme: state.facts.encrypted ? 'https' : 'http' });
    // A verified-token cache hit or no token at all is answered synchronously: no promise per request.
    if (result instanceof Promise) {
      return result.then((r) => authorizeAfterAuthn(withAuthn(identity, r, request as Mutable), request, state, current, context));
    }
    return authorizeAfterAuthn(withAuthn(identity, result, request as Mutable), request, state, current, context);
  }

  let routeDefaults: RouteRuleOptions | undefined;
  function routeRuleDefaults(): RouteRuleOptions {
    routeDefaults ??= { namespace: resolveWorkload(options.workload ?? {}).namespace ?? 'default', ...(options.mesh === undefined ? {} : { mesh: options.mesh }) };
    return routeDefaults;
  }

  function report(decision: Decision, request: HttpInput): Decision {
    if (onDecision !== undefined) {
      try {
        onDecision(decision, request);
      } catch {
        // A failing log hook must neither crash the request nor change its decision.
      }
    }
    return decision;
  }

  return {
    options: resolved,
    get policies() {
      return security?.policies;
    },
    get authenticator() {
      return security?.authenticator;
    },
    decide(request, context) {
      let decision: Decision | Promise<Decision>;
      try {
        decision = decideOnce(request, context);
      } catch (err) {
        decision = internalErrorDecision(err, respond);
      }
      if (decision instanceof Promise) {
        return decision.then(
          (d) => report(d, request),
          (err: unknown) => report(internalErrorDecision(err, respond), request),
        );
      }
      return report(decision, request);
    },
    explain(request, context) {
      const current = security;
      if (current === undefined) return undefined;
      const state = stateOf(request.socket);
      const base = authzRequest(request, state, identityOf(request, state));
      const readings = readRequest(request, context, base, policyView(current.policies), resolved.request, state.facts.trustedHop);
      // The mesh's reading (the first), with the host as policies compare it; the request as sent when refused.
      return explainPolicies(current.policies, isRefusal(readings) ? base : (readings[0]?.request ?? base));
    },
    authorize(request, rules, context) {
      try {
        const state = stateOf(request.socket);
        const decision = context?.decision ?? identityOf(request, state);
        if (!decision.allowed) return decision;
        return authorizeAll(decision, routeRulesOf(rules, routeRuleDefaults()).snapshot, request, state, context);
      } catch (err) {
        return internalErrorDecision(err, respond);
      }
    },
    updatePolicies(policies) {
      const next = securityConfig(policies, options.workload, options.mesh, options.jwt);
      const previous = security;
      security = next;
      previous?.authenticator?.close();
    },
    close() {
      security?.authenticator?.close();
    },
  };
}
