import type { Request } from 'express';
import { pathToRegexpRouterProfile, type RequestContext, type RouterProfile } from '@meshauth/core';

/**
 * What the Express router will dispatch on, read from the app's own settings on each request:
 * `case sensitive routing` and `strict routing` (both off by default: `/ADMIN/` reaches `/admin`).
 * Options of `express.Router({ caseSensitive, strict })` are not visible to a global middleware;
 * the defaults assumed for them are the lenient ones, which can only add readings.
 */


/**
 * The router profile of the app that is handling `req`.
 *
 * @example
 * ```ts
 * routerOf(req).caseInsensitive; // true unless app.enable('case sensitive routing')
 * ```
 */
export function routerOf(req: Request): RouterProfile {
  const app = req.app as { get?: (name: string) => unknown } | undefined;
  if (app?.get === undefined) return pathToRegexpRouterProfile({});
  return pathToRegexpRouterProfile({ sensitive: app.get('case sensitive routing'), strict: app.get('strict routing') });
}

const contexts = new Map<RouterProfile, RequestContext>();

/**
 * The request context for the engine: the router profile and, inside a mounted router (where
 * Express rewrites `req.url`), the original request-target.
 *
 * @example
 * ```ts
 * engine.decide(req, contextOf(req));
 * ```
 */
export function contextOf(req: Request): RequestContext {
  const router = routerOf(req);
  if (req.originalUrl !== undefined && req.originalUrl !== req.url) return { router, target: req.originalUrl };
  let context = contexts.get(router);
  if (context === undefined) {
    context = Object.freeze({ router });
    contexts.set(router, context);
  }
  return context;
}
