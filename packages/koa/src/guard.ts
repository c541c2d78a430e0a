import type { Middleware, ParameterizedContext } from 'koa';
import { compileRouteRules, NotMountedError, RouteRules, type Decision, type MeshAuth, type RouteRuleOptions, type RouteRulesInput, type RouterProfile } from '@meshauth/core';
import { contextOf, engineOf } from './router-view.js';

/**
 * Route-level rules for Koa: a guard middleware for a route of @koa/router (or any middleware
 * chain), and `authorize()` for decisions in a handler.
 */

/** Options of a guard: a name for decisions and logs, the namespace rules are written for. */
export type GuardOptions = Omit<RouteRuleOptions, 'action'>;

function decide(ctx: ParameterizedContext, engine: MeshAuth, router: RouterProfile, rules: RouteRulesInput): Decision {
  return engine.authorize(ctx.req, rules, { ...contextOf(ctx, router, { router }), decision: ctx.state.meshAuth });
}

/**
 * A guard for compiled rules: with `bound` it uses that engine, otherwise the engine of the
 * meshauth middleware that ran on the request (`NotMountedError` if none did).
 *
 * @example
 * ```ts
 * router.get('/admin', guard(compileRouteRules(rule), undefined, 'guard'), handler);
 * ```
 */
export function guard(rules: RouteRules, bound: { engine: MeshAuth; router: RouterProfile } | undefined, where: string): Middleware {
  return function meshAuthGuard(ctx, next) {
    const used = bound ?? engineOf(ctx);
    if (used === undefined) throw new NotMountedError(where);
    const decision = decide(ctx, used.engine, used.router, rules);
    if (decision.allowed) return next();
    const { status, headers, body } = decision.response;
    ctx.status = status;
    ctx.set(headers);
    ctx.body = body;
    return undefined;
  };
}

function compile(rules: RouteRulesInput, options: RouteRuleOptions): RouteRules {
  return rules instanceof RouteRules ? rules : compileRouteRules(rules, options);
}

/**
 * A guard that lets a request through only when one of the rules matches.
 *
 * @example
 * ```ts
 * router.delete('/orders/:id', meshAuth.allow({ from: [{ source: { principals: ['cluster.local/ns/shop/sa/admin'] } }] }), handler);
 * ```
 */
export function allow(rules: RouteRulesInput, options: GuardOptions = {}): Middleware {
  return guard(compile(rules, { ...options, action: 'ALLOW' }), undefined, 'meshAuth.allow()');
}

/**
 * A guard that refuses a request when one of the rules matches.
 *
 * @example
 * ```ts
 * router.use('/admin', meshAuth.deny({ from: [{ source: { notNamespaces: ['admin'] } }] }));
 * ```
 */
export function deny(rules: RouteRulesInput, options: GuardOptions = {}): Middleware {
  return guard(compile(rules, { ...options, action: 'DENY' }), undefined, 'meshAuth.deny()');
}

/**
 * Decides rules for this request inside a handler, for questions that need application data.
 * Returns the `Decision`; answer `decision.response` when it is not allowed.
 *
 * @example
 * ```ts
 * router.post('/orders/:id/cancel', (ctx) => {
 *   const order = orders.get(ctx.params.id);
 *   const decision = authorize(ctx, { from: [{ source: { principals: [order.owner] } }] });
 *   if (!decision.allowed) { ctx.status = decision.status; ctx.body = decision.response.body; return; }
 *   ctx.body = cancel(order);
 * });
 * ```
 */
export function authorize(ctx: ParameterizedContext, rules: RouteRulesInput): Decision {
  const used = engineOf(ctx);
  if (used === undefined) throw new NotMountedError('authorize()');
  return decide(ctx, used.engine, used.router, rules);
}
