import type { Request } from 'express';
import type { AuthInfo, Decision, MeshAuth, PeerIdentity } from '@meshauth/core';

/**
 * Where `req.peerPrincipal`, `req.auth` and `req.meshAuth` live. Express requests get their
 * prototype swapped per app, and adding an own property to one was measured at about 2 µs here
 * (three of them: 5.8 µs per request, more than everything else meshauth does). So the values sit
 * in one record per request, in a WeakMap, behind accessors defined once on Express's shared
 * request prototype; a handler still reads and writes `req.peerPrincipal` as usual.
 */
interface RequestState {
  engine: MeshAuth | undefined;
  decision: Decision | undefined;
  peer: PeerIdentity | undefined;
  auth: AuthInfo | undefined;
}

const states = new WeakMap<object, RequestState>();
const installed = new WeakSet<object>();

function stateOf(req: object): RequestState {
  let state = states.get(req);
  if (state === undefined) {
    state = { engine: undefined, decision: undefined, peer: undefined, auth: undefined };
    states.set(req, state);
  }
  return state;
}

function accessor<K extends 'decision' | 'peer' | 'auth'>(key: K): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: false,
    get(this: object) {
      return states.get(this)?.[key];
    },
    set(this: object, value: RequestState[K]) {
      stateOf(this)[key] = value;
    },
  };
}

/**
 * The prototype every app's `req` inherits from: Express's own request object (an app's
 * `app.request` is created from it), so mounted sub-apps see the same accessors.
 */
function sharedPrototype(req: Request): object {
  const appProto = Object.getPrototypeOf(req) as object | null;
  const base = appProto === null ? null : (Object.getPrototypeOf(appProto) as object | null);
  return base !== null && base !== Object.prototype ? base : (appProto ?? req);
}

/**
 * Records the decision (and the engine that made it) for a request.
 *
 * @example
 * ```ts
 * remember(req, engine, decision);
 * req.peerPrincipal; // decision.peer
 * ```
 */
export function remember(req: Request, engine: MeshAuth, decision: Decision): void {
  const proto = sharedPrototype(req);
  if (!installed.has(proto)) {
    Object.defineProperties(proto, { meshAuth: accessor('decision'), peerPrincipal: accessor('peer'), auth: accessor('auth') });
    installed.add(proto);
  }
  const state = stateOf(req);
  state.engine = engine;
  state.decision = decision;
  state.peer = decision.allowed ? decision.peer : undefined;
  state.auth = decision.allowed ? decision.auth : undefined;
}

/**
 * The engine that decided a request, if the middleware ran.
 *
 * @example
 * ```ts
 * const engine = engineOf(req);
 * ```
 */
export function engineOf(req: Request): MeshAuth | undefined {
  return states.get(req)?.engine;
}
