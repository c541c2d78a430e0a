import type { Socket } from 'node:net';
import type { Decision } from './decision.js';
import { resolveOptions, type MeshAuthOptions, type ResolvedOptions } from './options.js';
import { connectionFacts, resolvePeer, type ConnectionFacts } from './peer/resolve-peer.js';
import type { HttpInput } from './request/http-input.js';

/** The decision for a header value on one connection, kept so repeated requests cost a comparison. */
interface ConnectionState {
  readonly facts: ConnectionFacts;
  header: string | undefined;
  decision: Decision | undefined;
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
 * const engine = createMeshAuth({ requirePeer: true });
 * createServer(async (req, res) => {
 *   const decision = await engine.decide(req);
 *   if (!decision.allowed) return void res.writeHead(decision.status).end(decision.code);
 *   res.end(`hello ${decision.peer}`);
 * }).listen(8080);
 * ```
 */
export interface MeshAuth {
  /**
   * Decides one request. Synchronous today for identity; typed as possibly asynchronous because
   * later stages (remote key sets, external authorizers) may need to wait. Never throws: an
   * internal failure is a denial with `INTERNAL_ERROR`.
   */
  decide(request: HttpInput): Decision | Promise<Decision>;
  /** The validated options. */
  readonly options: ResolvedOptions;
}

/**
 * Builds the request pipeline once from options; everything that can be prepared is prepared
 * here, so a request only reads.
 *
 * @example
 * ```ts
 * const engine = createMeshAuth({ trustBundles: { 'cluster.local': rootPem }, requirePeer: true });
 * ```
 */
export function createMeshAuth(options: MeshAuthOptions = {}): MeshAuth {
  const resolved = resolveOptions(options);
  const connections = new WeakMap<Socket, ConnectionState>();
  const onDecision = resolved.onDecision;

  function decideOnce(request: HttpInput): Decision {
    const socket = request.socket;
    let state = connections.get(socket);
    if (state === undefined) {
      state = { facts: connectionFacts(socket, resolved), header: undefined, decision: undefined, validUntil: 0 };
      connections.set(socket, state);
    }
    const raw = request.headers[XFCC];
    const header = Array.isArray(raw) ? raw.join(',') : raw;
    // Only a TLS chain can expire under a cached decision; reading the clock is skipped otherwise.
    if (state.decision !== undefined && state.header === header && (state.validUntil === Infinity || Date.now() <= state.validUntil)) {
      return state.decision;
    }
    const resolution = resolvePeer(socket, state.facts, header, resolved, Date.now());
    const decision = decisionFor(resolution, resolved);
    state.header = header;
    state.decision = decision;
    state.validUntil = resolution.validUntil;
    return decision;
  }

  return {
    options: resolved,
    decide(request) {
      let decision: Decision;
      try {
        decision = decideOnce(request);
      } catch (err) {
        decision = internalError(err);
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
  };
}

function decisionFor(resolution: ReturnType<typeof resolvePeer>, options: ResolvedOptions): Decision {
  const { outcome, source, xfccIgnored } = resolution;
  if (!outcome.ok) {
    return Object.freeze({
      allowed: false, status: outcome.status, code: outcome.code, reason: outcome.reason,
      peer: undefined, peerSource: source, xfccIgnored, detail: outcome.detail, headers: undefined,
    });
  }
  const peer = outcome.peer;
  if (peer !== undefined && options.trustDomains !== undefined && !options.trustDomains.has(peer.trustDomain)) {
    return Object.freeze({
      allowed: false, status: 401, code: 'UNTRUSTED_DOMAIN', reason: 'peer trust domain is not accepted',
      peer: undefined, peerSource: source, xfccIgnored, detail: peer.trustDomain, headers: undefined,
    });
  }
  if (peer === undefined && options.requirePeer) {
    return Object.freeze({
      allowed: false, status: 401, code: 'PEER_REQUIRED', reason: 'a verified peer identity is required',
      peer: undefined, peerSource: source, xfccIgnored, detail: undefined, headers: undefined,
    });
  }
  return Object.freeze({
    allowed: true, status: 200, code: 'OK', reason: 'allowed',
    peer, peerSource: source, xfccIgnored, detail: undefined, headers: undefined,
  });
}

function internalError(err: unknown): Decision {
  return Object.freeze({
    allowed: false, status: 500, code: 'INTERNAL_ERROR', reason: 'request could not be authenticated',
    peer: undefined, peerSource: 'none', xfccIgnored: undefined, detail: err instanceof Error ? err.message : String(err), headers: undefined,
  });
}
