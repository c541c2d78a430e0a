import type { AuthInfo, Decision, MeshAuth, PeerIdentity } from '@meshauth/core';
import { meshAuth } from './plugin.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The engine behind the plugin, for `explain()` and `updatePolicies()`. */
    meshAuthEngine: MeshAuth;
  }
  interface FastifyRequest {
    /** The verified caller, or `undefined` when the request carried no peer identity. */
    peerPrincipal: PeerIdentity | undefined;
    /** The verified JWT (RequestAuthentication), or `undefined`. Claims are typed through `MeshAuthClaims`. */
    auth: AuthInfo | undefined;
    /** The meshauth decision for this request. */
    meshAuth: Decision | undefined;
  }
}

export { meshAuth };
export default meshAuth;
export type { AuthInfo, Decision, DecisionCode, MeshAuth, MeshAuthClaims, MeshAuthOptions, PeerIdentity } from '@meshauth/core';
