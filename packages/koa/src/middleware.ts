import type { Middleware, ParameterizedContext } from 'koa';
import { createMeshAuth, type Decision, type MeshAuth, type MeshAuthOptions } from '@meshauth/core';

/** The middleware, with the engine behind it for `explain()` and `updatePolicies()`. */
export type MeshAuthMiddleware = Middleware & { readonly engine: MeshAuth };

type Next = () => Promise<unknown>;

function apply(decision: Decision, ctx: ParameterizedContext, next: Next): Promise<unknown> | undefined {
  ctx.state.meshAuth = decision;
  if (decision.allowed) {
    ctx.state.peerPrincipal = decision.peer;
    ctx.peerPrincipal = decision.peer;
    ctx.state.auth = decision.auth;
    return next();
  }
  const { status, headers, body } = decision.response;
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
  return undefined;
}

/**
 * Koa middleware: decides each request with meshauth, puts the caller's identity on
 * `ctx.state.peerPrincipal` (and `ctx.peerPrincipal`) and the decision on `ctx.state.meshAuth`,
 * or answers the denial itself.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { meshAuth } from '@meshauth/koa';
 *
 * const app = new Koa();
 * app.use(meshAuth({ requirePeer: true }));
 * app.use((ctx) => { ctx.body = { caller: ctx.state.peerPrincipal?.id }; });
 * ```
 */
export function meshAuth(options: MeshAuthOptions = {}): MeshAuthMiddleware {
  const engine = createMeshAuth(options);
  const middleware: Middleware = function meshAuthMiddleware(ctx, next) {
    const result = engine.decide(ctx.req);
    if (result instanceof Promise) return result.then((decision) => apply(decision, ctx, next));
    return apply(result, ctx, next);
  };
  return Object.assign(middleware, { engine });
}
