import type { VerifiedJwt } from './authn/result.js';

/**
 * Your JWT claims, typed. Merge your own into it once and `req.auth.claims` is typed in every
 * adapter, with no cast and no "subsequent property declarations" conflicts.
 *
 * @example
 * ```ts
 * declare module '@meshauth/core' {
 *   interface MeshAuthClaims { groups?: string[]; tenant?: string }
 * }
 * app.get('/x', (req) => req.auth?.claims.groups?.includes('admin'));
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- empty on purpose: users merge into it
export interface MeshAuthClaims {}

/**
 * The verified JWT as handlers see it (`req.auth`, Fastify `request.auth`, Koa `ctx.state.auth`):
 * `principal` is `iss/sub` (only when both are present), `audiences`, `presenter` (`azp`) and
 * `claims`, typed through {@link MeshAuthClaims}.
 *
 * @example
 * ```ts
 * const tenant = req.auth?.claims.tenant;
 * ```
 */
export type AuthInfo = Omit<VerifiedJwt, 'claims'> & { readonly claims: MeshAuthClaims & Readonly<Record<string, unknown>> };
