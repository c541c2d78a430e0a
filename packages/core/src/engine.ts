import type { Socket } from 'node:net';
import { authorize } from './authz-stage.js';
import type { Decision } from './decision.js';
import { identityDecision, internalErrorDecision } from './identity-decision.js';
import { resolveOptions, type MeshAuthOptions, type ResolvedOptions } from './options.js';
import { connectionFacts, resolvePeer, type ConnectionFacts } from './peer/resolve-peer.js';
import type { VerifiedChains } from './peer/tls-peer.js';
import { policySnapshot, type PoliciesOption } from './policy-setup.js';
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
   * Loads and compiles a new policy set and swaps it in atomically. On any error it throws and the
   * current policies stay in force.
   */
  updatePolicies(policies: PoliciesOption): void;
  /** The policies in force. */
  readonly policies: PolicySnapshot | undefined;
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
  let snapshot = resolved.policies;

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

  function authzRequest(request: HttpInput, state: ConnectionState, identity: Decision) {
    state.attributes ??= connectionAttributes(request.socket);
    return toAuthzRequest(request, state.attributes, identity.peer, state.facts.trustedHop, numTrustedProxies);
  }

  function decideOnce(request: HttpInput): Decision {
    const state = stateOf(request.socket);
    const identity = identityOf(request, state);
    const current = snapshot;
    if (!identity.allowed || current === undefined) return identity;
    return authorize(identity, current, authzRequest(request, state, identity), respond);
  }

  return {
    options: resolved,
    get policies() {
      return snapshot;
    },
    decide(request) {
      let decision: Decision;
      try {
        decision = decideOnce(request);
      } catch (err) {
        decision = internalErrorDecision(err, respond);
      }
      if (onDecision !== undefined) {
        try {
          onDecision(decision, request);
        } catch {
          // A failing log hook must neither crash the request nor change its decision.
        }
      }
      return decision;
    },
    explain(request) {
      const current = snapshot;
      if (current === undefined) return undefined;
      const state = stateOf(request.socket);
      return explainPolicies(current, authzRequest(request, state, identityOf(request, state)));
    },
    updatePolicies(policies) {
      const workload = options.workload;
      const mesh = options.mesh;
      snapshot = policySnapshot(policies, workload, mesh);
    },
  };
}
