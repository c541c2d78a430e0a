import type { Socket } from 'node:net';
import { withAuthn } from './authn-stage.js';
import type { RequestAuthenticator } from './authn/authenticator.js';
import { authorize } from './authz-stage.js';
import type { Decision } from './decision.js';
import { identityDecision, internalErrorDecision } from './identity-decision.js';
import { resolveOptions, type MeshAuthOptions, type ResolvedOptions } from './options.js';
import { connectionFacts, resolvePeer, type ConnectionFacts } from './peer/resolve-peer.js';
import type { VerifiedChains } from './peer/tls-peer.js';
import { securityConfig, type PoliciesOption, type SecurityConfig } from './policy-setup.js';
import { explainPolicies, type AuthzExplanation } from './policy/explain.js';
import type { PolicySnapshot } from './policy/snapshot.js';
import { connectionAttributes, toAuthzRequest, type ConnectionAttributes } from './request/authz-request.js';
import type { HttpInput } from './request/http-input.js';
import { denialResponses } from './responses.js';

/** What one connection has taught the engine, kept for its later requests. */
interface ConnectionState {
  readonly facts: ConnectionFacts;
  attributes: ConnectionAttributes | undefined;
  /** The identity decision for `header`, valid until `validUntil`. */
  header: string | undefined;
  identity: Decision | undefined;
  validUntil: number;
}

const XFCC = 'x-forwarded-client-cert';

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
  decide(request: HttpInput): Decision | Promise<Decision>;
  /** Every policy and rule considered for this request and why each matched or not; `undefined` without policies. */
  explain(request: HttpInput): AuthzExplanation | undefined;
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
  const { onDecision, numTrustedProxies } = resolved;
  let security: SecurityConfig | undefined = resolved.security;

  function stateOf(socket: Socket): ConnectionState {
    let state = connections.get(socket);
    if (state === undefined) {
      state = { facts: connectionFacts(socket, resolved), attributes: undefined, header: undefined, identity: undefined, validUntil: 0 };
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
    const resolution = resolvePeer(request.socket, state.facts, header, resolved, verified, Date.now());
    const decision = identityDecision(resolution, resolved, respond);
    state.header = header;
    state.identity = decision;
    state.validUntil = resolution.validUntil;
    return decision;
  }

  function authzRequest(request: HttpInput, state: ConnectionState, decision: Decision) {
    state.attributes ??= connectionAttributes(request.socket);
    return toAuthzRequest(request, state.attributes, decision.peer, decision.auth, state.facts.trustedHop, numTrustedProxies);
  }

  function authorizeAfterAuthn(decision: Decision, request: HttpInput, state: ConnectionState, current: SecurityConfig): Decision {
    if (!decision.allowed) return decision;
    return authorize(decision, current.policies, authzRequest(request, state, decision), respond);
  }

  function decideOnce(request: HttpInput): Decision | Promise<Decision> {
    const state = stateOf(request.socket);
    const identity = identityOf(request, state);
    const current = security;
    if (!identity.allowed || current === undefined) return identity;
    const authenticator = current.authenticator;
    if (authenticator === undefined) return authorize(identity, current.policies, authzRequest(request, state, identity), respond);
    const result = authenticator.authenticate({ method: request.method, url: request.url, headers: request.headers, scheme: state.facts.encrypted ? 'https' : 'http' });
    // A verified-token cache hit or no token at all is answered synchronously: no promise per request.
    if (result instanceof Promise) {
      return result.then((r) => authorizeAfterAuthn(withAuthn(identity, r, request as Mutable), request, state, current));
    }
    return authorizeAfterAuthn(withAuthn(identity, result, request as Mutable), request, state, current);
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
    decide(request) {
      let decision: Decision | Promise<Decision>;
      try {
        decision = decideOnce(request);
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
    explain(request) {
      const current = security;
      if (current === undefined) return undefined;
      const state = stateOf(request.socket);
      return explainPolicies(current.policies, authzRequest(request, state, identityOf(request, state)));
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
