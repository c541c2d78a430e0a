import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { compileRouteRules, NotMountedError, RouteRules, type Decision, type MeshAuth, type RouteRuleOptions, type RouteRulesInput } from '@meshauth/core';
import { engineOf } from './request-state.js';
import { contextOf } from './router-view.js';

/**
 * Route-level rules for Express: a guard middleware for one route or router, and `authorize()`
 * for decisions in a handler. The rules are AuthorizationPolicy rules (`from`, `to`, `when`).
 */

/** Options of a guard: a name for decisions and logs, the namespace rules are written for. */
export type GuardOptions = Omit<RouteRuleOptions, 'action'>;

function compile(rules: RouteRulesInput, options: RouteRuleOptions): RouteRules {
  return rules instanceof RouteRules ? rules : compileRouteRules(rules, options);
}

function answer(decision: Decision, res: Response, next: NextFunction): void {
  if (decision.allowed) {
    next();
    return;
  }
  const { status, headers, body } = decision.response;
  res.status(status).set(headers).send(body);
}

/**
 * A guard for compiled rules. With `bound`, it uses that engine; otherwise the one of the
 * meshauth middleware that ran on the request (and fails with `NotMountedError` if none did).
 *
 * @example
 * ```ts
 * app.get('/admin', guard(compileRouteRules(rule), undefined), handler);
 * ```
 */
export function guard(rules: RouteRules, bound: MeshAuth | undefined, where: string): RequestHandler {
  return function meshAuthGuard(req, res, next) {
    const engine = bound ?? engineOf(req);
    if (engine === undefined) {
      next(new NotMountedError(where));
      return;
    }
    answer(engine.authorize(req, rules, { ...contextOf(req), decision: req.meshAuth }), res, next);
  };
}

/**
 * A guard that lets a request through only when one of the rules matches (an ALLOW policy for
 * this route). Rules are compiled here, once; an invalid rule throws `PolicyInvalidError`.
 *
 * @example
 * ```ts
 * app.delete('/orders/:id', meshAuth.allow({ from: [{ source: { principals: ['cluster.local/ns/shop/sa/admin'] } }] }), handler);
 * ```
 */
export function allow(rules: RouteRulesInput, options: GuardOptions = {}): RequestHandler {
  return guard(compile(rules, { ...options, action: 'ALLOW' }), undefined, 'meshAuth.allow()');
}

/**
 * A guard that refuses a request when one of the rules matches (a DENY policy for this route).
 *
 * @example
 * ```ts
 * router.use(meshAuth.deny({ from: [{ source: { notNamespaces: ['admin'] } }] }));
 * ```
 */
export function deny(rules: RouteRulesInput, options: GuardOptions = {}): RequestHandler {
  return guard(compile(rules, { ...options, action: 'DENY' }), undefined, 'meshAuth.deny()');
}

/**
 * Decides rules for this request inside a handler, for questions that need application data
 * ("may this caller cancel this order?"). Returns the `Decision`; answer `decision.response`
 * when it is not allowed. Static rules are best compiled once with `compileRouteRules`.
 *
 * @example
 * ```ts
 * app.post('/orders/:id/cancel', (req, res) => {
 *   const order = orders.get(req.params.id);
 *   const decision = authorize(req, { from: [{ source: { principals: [order.owner] } }] });
 *   if (!decision.allowed) return res.status(decision.status).set(decision.response.headers).send(decision.response.body);
 *   res.json(cancel(order));
 * });
 * ```
 */
export function authorize(req: Request, rules: RouteRulesInput): Decision {
  const engine = engineOf(req);
  if (engine === undefined) throw new NotMountedError('authorize()');
  return engine.authorize(req, rules, { ...contextOf(req), decision: req.meshAuth });
}
