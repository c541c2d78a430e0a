import type { Middleware, ParameterizedContext } from 'koa';
import { compileRouteRules, createMeshAuth, RouteRules, type Decision, type MeshAuth, type MeshAuthOptions, type RequestContext, type RouteRulesInput } from '@meshauth/core';
import { allow, deny, guard, type GuardOptions } from './guard.js';
import { contextOf, koaRouterProfile, rememberEngine, type KoaRouterOptions } from './router-view.js';

/** The middleware, with the engine behind it for `explain()` and `updatePolicies()`, and guards bound to it. */
export type MeshAuthMiddleware = Middleware & {
  readonly engine: MeshAuth;
  /** A guard that passes only requests one of the rules matches. */
  allow(rules: RouteRulesInput, options?: GuardOptions): Middleware;
  /** A guard that refuses requests one of the rules matches. */
  deny(rules: RouteRulesInput, options?: GuardOptions): Middleware;
};

/**
 * Options of the Koa middleware: meshauth's, and the options of the router the app uses.
 *
 * @example
 * ```ts
 * const options: KoaMeshAuthOptions = { policies: './policies', router: { sensitive: true } };
 * ```
 */
export interface KoaMeshAuthOptions extends MeshAuthOptions {
  /** The router in front of the handlers (@koa/router names and defaults). */
  router?: KoaRouterOptions;
}

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
function createMiddleware(options: KoaMeshAuthOptions = {}): MeshAuthMiddleware {
  const { router: routerOptions, ...own } = options;
  const engine = createMeshAuth(own);
  const router = koaRouterProfile(routerOptions);
  const plain: RequestContext = Object.freeze({ router });
  const middleware: Middleware = function meshAuthMiddleware(ctx, next) {
    rememberEngine(ctx, engine, router);
    const result = engine.decide(ctx.req, contextOf(ctx, router, plain));
    if (result instanceof Promise) return result.then((decision) => apply(decision, ctx, next));
    return apply(result, ctx, next);
  };
  const bound = (action: 'ALLOW' | 'DENY') => (rules: RouteRulesInput, guardOptions: GuardOptions = {}): Middleware =>
    guard(rules instanceof RouteRules ? rules : compileRouteRules(rules, { ...guardOptions, action }), { engine, router }, `meshAuth().${action.toLowerCase()}()`);
  return Object.assign(middleware, { engine, allow: bound('ALLOW'), deny: bound('DENY') });
}

/**
 * Koa middleware (see {@link createMiddleware}) with route guards: `meshAuth.allow(rule)` and
 * `meshAuth.deny(rule)` use the engine of the middleware that ran on the request. Mount the
 * middleware before the router; describe the router with the `router` option when it is not
 * @koa/router with its defaults.
 *
 * @example
 * ```ts
 * app.use(meshAuth({ policies: './policies' }));
 * router.get('/admin', meshAuth.allow({ from: [{ source: { namespaces: ['admin'] } }] }), (ctx) => { ctx.body = 'ok'; });
 * app.use(router.routes());
 * ```
 */
export const meshAuth: typeof createMiddleware & { readonly allow: typeof allow; readonly deny: typeof deny } = Object.assign(createMiddleware, { allow, deny });
