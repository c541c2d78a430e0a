import type { AuthInfo, Decision, PeerIdentity } from '@meshauth/core';

declare module 'koa' {
  interface DefaultState {
    /** The verified caller, or `undefined` when the request carried no peer identity. */
    peerPrincipal?: PeerIdentity | undefined;
    /** The verified JWT (RequestAuthentication), or `undefined`. Claims are typed through `MeshAuthClaims`. */
    auth?: AuthInfo | undefined;
    /** The meshauth decision for this request. */
    meshAuth?: Decision | undefined;
  }
  interface ExtendableContext {
    /** The verified caller, or `undefined` when the request carried no peer identity. */
    peerPrincipal?: PeerIdentity | undefined;
  }
}

export { meshAuth, type MeshAuthMiddleware } from './middleware.js';
export type { AuthInfo, Decision, DecisionCode, MeshAuth, MeshAuthClaims, MeshAuthOptions, PeerIdentity } from '@meshauth/core';
