import type { ParameterizedContext } from 'koa';
import { pathToRegexpRouterProfile, type MeshAuth, type RequestContext, type RouterProfile } from '@meshauth/core';

/**
 * Koa has no router of its own. The router in front of the handlers (@koa/router, koa-router) is
 * described by the `router` option with its own names (`sensitive`, `strict`), defaulting to theirs:
 * case-insensitive and non-strict, so `/ADMIN/` reaches `/admin`.
 */

/**
 * The options of the router the app uses, as @koa/router names them.
 *
 * @example
 * ```ts
 * app.use(meshAuth({ policies, router: { sensitive: true, strict: true } }));
 * const router = new Router({ sensitive: true, strict: true });
 * ```
 */
export interface KoaRouterOptions {
  /** @koa/router `sensitive`: match path literals with their case. Default `false`. */
  readonly sensitive?: boolean;
  /** @koa/router `strict`: `/a/` does not reach `/a`. Default `false`. */
  readonly strict?: boolean;
}

const ENGINE = Symbol('meshauth.engine');
interface Remembered {
  readonly engine: MeshAuth;
  readonly router: RouterProfile;
}
type WithEngine = { [ENGINE]?: Remembered };

/**
 * The router profile for the options.
 *
 * @example
 * ```ts
 * koaRouterProfile({}).caseInsensitive; // true
 * ```
 */
export function koaRouterProfile(options: KoaRouterOptions = {}): RouterProfile {
  return pathToRegexpRouterProfile(options);
}

/**
 * The engine's context: the router profile and, under koa-mount (which rewrites `ctx.url`), the
 * original request-target.
 *
 * @example
 * ```ts
 * engine.decide(ctx.req, contextOf(ctx, router, plain));
 * ```
 */
export function contextOf(ctx: ParameterizedContext, router: RouterProfile, plain: RequestContext): RequestContext {
  return ctx.originalUrl !== undefined && ctx.originalUrl !== ctx.req.url ? { router, target: ctx.originalUrl } : plain;
}

/**
 * Remembers which engine (and router profile) decided a request, for guards and `authorize()`.
 *
 * @example
 * ```ts
 * rememberEngine(ctx, engine, router);
 * ```
 */
export function rememberEngine(ctx: ParameterizedContext, engine: MeshAuth, router: RouterProfile): void {
  (ctx.req as WithEngine)[ENGINE] = { engine, router };
}

/**
 * The engine and router profile that decided a request, if the middleware ran.
 *
 * @example
 * ```ts
 * const remembered = engineOf(ctx);
 * ```
 */
export function engineOf(ctx: ParameterizedContext): Remembered | undefined {
  return (ctx.req as WithEngine)[ENGINE];
}
