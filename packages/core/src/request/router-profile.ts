/**
 * What a router treats as the same path. An in-app policy must agree with the router that will
 * dispatch the request, so the adapters describe their router's equivalences here, read from the
 * framework's own configuration (path-safety.md, "What each router actually dispatches on").
 */

/**
 * The equivalences of one router configuration.
 *
 * @example
 * ```ts
 * const profile: RouterProfile = { caseInsensitive: false, ignoreTrailingSlash: false, mergeSlashes: false };
 * ```
 */
export interface RouterProfile {
  /** `/ADMIN` reaches the route `/admin` (Express and @koa/router default, Fastify `caseSensitive: false`). */
  readonly caseInsensitive: boolean;
  /** `/admin/` reaches the route `/admin` and back (Express/@koa/router non-strict, Fastify `ignoreTrailingSlash`). */
  readonly ignoreTrailingSlash: boolean;
  /** `//` is merged into `/` before matching (Fastify `ignoreDuplicateSlashes`). */
  readonly mergeSlashes: boolean;
}

/**
 * Express 4 and 5 with default settings: `case sensitive routing` and `strict routing` off.
 *
 * @example
 * ```ts
 * engine.decide(req, { router: EXPRESS_DEFAULT_ROUTER });
 * ```
 */
export const EXPRESS_DEFAULT_ROUTER: RouterProfile = Object.freeze({ caseInsensitive: true, ignoreTrailingSlash: true, mergeSlashes: false });

/**
 * @koa/router and koa-router defaults (`sensitive: false`, `strict: false`).
 *
 * @example
 * ```ts
 * engine.decide(ctx.req, { router: KOA_ROUTER_DEFAULT_ROUTER });
 * ```
 */
export const KOA_ROUTER_DEFAULT_ROUTER: RouterProfile = Object.freeze({ caseInsensitive: true, ignoreTrailingSlash: true, mergeSlashes: false });

/**
 * Fastify 5 defaults (find-my-way: case-sensitive, strict, no slash merging).
 *
 * @example
 * ```ts
 * engine.decide(request.raw, { router: FASTIFY_DEFAULT_ROUTER });
 * ```
 */
export const FASTIFY_DEFAULT_ROUTER: RouterProfile = Object.freeze({ caseInsensitive: false, ignoreTrailingSlash: false, mergeSlashes: false });

/**
 * What is assumed when nothing describes the router (a plain `node:http` server, an unknown
 * framework): every equivalence a Node router is known to apply, so that policies fail closed.
 * Duplicate slashes are refused rather than merged.
 *
 * @example
 * ```ts
 * engine.decide(req); // same as engine.decide(req, { router: UNKNOWN_ROUTER })
 * ```
 */
export const UNKNOWN_ROUTER: RouterProfile = Object.freeze({ caseInsensitive: true, ignoreTrailingSlash: true, mergeSlashes: false });

/**
 * A profile from the names Fastify (find-my-way) uses, with Fastify's defaults.
 * `useSemicolonDelimiter` needs no entry: a raw `;` is refused in every configuration.
 *
 * @example
 * ```ts
 * fastifyRouterProfile({ caseSensitive: false, ignoreTrailingSlash: true }); // case-insensitive, non-strict
 * ```
 */
export function fastifyRouterProfile(options: {
  readonly caseSensitive?: boolean | undefined;
  readonly ignoreTrailingSlash?: boolean | undefined;
  readonly ignoreDuplicateSlashes?: boolean | undefined;
}): RouterProfile {
  return Object.freeze({
    caseInsensitive: options.caseSensitive === false,
    ignoreTrailingSlash: options.ignoreTrailingSlash === true,
    mergeSlashes: options.ignoreDuplicateSlashes === true,
  });
}

/**
 * A profile from the names Express (`case sensitive routing`, `strict routing`) and @koa/router
 * (`sensitive`, `strict`) use, with their defaults.
 *
 * @example
 * ```ts
 * pathToRegexpRouterProfile({ sensitive: app.get('case sensitive routing'), strict: app.get('strict routing') });
 * ```
 */
export function pathToRegexpRouterProfile(options: { readonly sensitive?: unknown; readonly strict?: unknown }): RouterProfile {
  // Shared constants: adapters call this per request.
  return PATH_TO_REGEXP[(options.sensitive === true ? 2 : 0) + (options.strict === true ? 1 : 0)] ?? EXPRESS_DEFAULT_ROUTER;
}

const PATH_TO_REGEXP: readonly RouterProfile[] = [
  EXPRESS_DEFAULT_ROUTER,
  Object.freeze({ caseInsensitive: true, ignoreTrailingSlash: false, mergeSlashes: false }),
  Object.freeze({ caseInsensitive: false, ignoreTrailingSlash: true, mergeSlashes: false }),
  Object.freeze({ caseInsensitive: false, ignoreTrailingSlash: false, mergeSlashes: false }),
];
