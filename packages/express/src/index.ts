import type { AuthInfo, Decision, PeerIdentity } from '@meshauth/core';

declare global {
  // Express's own augmentation point; works for @types/express 4 and 5.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified caller, or `undefined` when the request carried no peer identity. */
      peerPrincipal?: PeerIdentity | undefined;
      /** The verified JWT (RequestAuthentication), or `undefined`. Claims are typed through `MeshAuthClaims`. */
      auth?: AuthInfo | undefined;
      /** The meshauth decision for this request. */
      meshAuth?: Decision | undefined;
    }
  }
}

export { meshAuth, type MeshAuthMiddleware } from './middleware.js';
export { authorize, type GuardOptions } from './guard.js';
export type { AuthInfo, Decision, DecisionCode, MeshAuth, MeshAuthClaims, MeshAuthOptions, PeerIdentity, PolicyRule, RouteRulesInput } from '@meshauth/core';
export { compileRouteRules, NotMountedError, RouteRules } from '@meshauth/core';
