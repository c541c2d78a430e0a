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

export { meshAuth, type KoaMeshAuthOptions, type MeshAuthMiddleware } from './middleware.js';
export { authorize, type GuardOptions } from './guard.js';
export type { KoaRouterOptions } from './router-view.js';
export { compileRouteRules, NotMountedError, RouteRules } from '@meshauth/core';
export type { AuthInfo, Decision, DecisionCode, MeshAuth, MeshAuthClaims, MeshAuthOptions, PeerIdentity, PolicyRule, RouteRulesInput } from '@meshauth/core';
