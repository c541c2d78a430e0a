import type { Decision, PeerIdentity } from '@meshauth/core';
import { meshAuth } from './plugin.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, or `undefined` when the request carried no peer identity. */
    peerPrincipal: PeerIdentity | undefined;
    /** The meshauth decision for this request. */
    meshAuth: Decision | undefined;
  }
}

export { meshAuth };
export default meshAuth;
export type { Decision, DecisionCode, MeshAuthOptions, PeerIdentity } from '@meshauth/core';
