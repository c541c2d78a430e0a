import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fastifyRouterProfile, type MatchedRoute, type RequestContext, type RouterProfile } from '@meshauth/core';

/**
 * What find-my-way will dispatch on, from the instance's initial configuration, and the route it
 * matched: Fastify routes before `onRequest`, so the hook knows `request.routeOptions.url` and the
 * decoded `request.params` (path-safety.md, design rule 1).
 */

type RouterKeys = 'caseSensitive' | 'ignoreTrailingSlash' | 'ignoreDuplicateSlashes';
type RouterConfig = Partial<Record<RouterKeys, unknown>> & { routerOptions?: Partial<Record<RouterKeys, unknown>> };

/**
 * The router profile of an instance. Fastify 5 reads each router option from `routerOptions`,
 * else from the deprecated top-level option, else its default. `initialConfig.routerOptions` has
 * defaults filled in, so an explicit top-level `true` cannot be told from a default there: either
 * one being lenient makes the profile lenient (more readings), never less safe. `useSemicolonDelimiter`
 * needs nothing: a raw `;` is refused in every configuration.
 *
 * @example
 * ```ts
 * routerOfInstance(Fastify({ routerOptions: { caseSensitive: false } })).caseInsensitive; // true
 * ```
 */
export function routerOfInstance(fastify: FastifyInstance): RouterProfile {
  const config = fastify.initialConfig as RouterConfig;
  const router = config.routerOptions ?? {};
  const on = (key: Exclude<RouterKeys, 'caseSensitive'>): boolean => router[key] === true || config[key] === true;
  const caseSensitive = router.caseSensitive ?? config.caseSensitive;
  return fastifyRouterProfile({
    caseSensitive: caseSensitive === false ? false : true,
    ignoreTrailingSlash: on('ignoreTrailingSlash'),
    ignoreDuplicateSlashes: on('ignoreDuplicateSlashes'),
  });
}

/**
 * The route a request matched, or `undefined` for a 404.
 *
 * @example
 * ```ts
 * matchedRoute(request); // { pattern: '/admin/users/:id', params: { id: '7' } }
 * ```
 */
export function matchedRoute(request: FastifyRequest): MatchedRoute | undefined {
  const pattern = request.routeOptions.url;
  if (pattern === undefined) return undefined;
  return { pattern, params: (request.params ?? {}) as Record<string, string | undefined> };
}

/**
 * The engine's context for a request; the matched route is only looked up for paths that are
 * not plain (it costs an object per lookup).
 *
 * @example
 * ```ts
 * engine.decide(request.raw, contextOf(request, router));
 * ```
 */
export function contextOf(request: FastifyRequest, router: RouterProfile): RequestContext {
  return { router, route: () => matchedRoute(request) };
}
