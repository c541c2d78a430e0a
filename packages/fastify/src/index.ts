import type { AuthInfo, Decision, MeshAuth, PeerIdentity } from '@meshauth/core';
import { meshAuth } from './plugin.js';
import type { RouteAuthConfig } from './route-rules.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route-level rules, compiled when the route is registered. */
    meshAuth?: RouteAuthConfig;
  }
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
export { authorize, type RouteAuthConfig } from './route-rules.js';
export { compileRouteRules, NotMountedError, RouteRules } from '@meshauth/core';
export default meshAuth;
export type { AuthInfo, Decision, DecisionCode, MeshAuth, MeshAuthClaims, MeshAuthOptions, PeerIdentity, PolicyRule, RouteRulesInput } from '@meshauth/core';
