import type { Decision, PeerIdentity } from '@meshauth/core';

declare module 'koa' {
  interface DefaultState {
    /** The verified caller, or `undefined` when the request carried no peer identity. */
    peerPrincipal?: PeerIdentity | undefined;
    /** The meshauth decision for this request. */
    meshAuth?: Decision | undefined;
  }
  interface ExtendableContext {
    /** The verified caller, or `undefined` when the request carried no peer identity. */
    peerPrincipal?: PeerIdentity | undefined;
  }
}

export { meshAuth, type MeshAuthMiddleware } from './middleware.js';
export type { Decision, DecisionCode, MeshAuth, MeshAuthOptions, PeerIdentity } from '@meshauth/core';
