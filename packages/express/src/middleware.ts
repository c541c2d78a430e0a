import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { compileRouteRules, createMeshAuth, RouteRules, type Decision, type MeshAuth, type MeshAuthOptions, type RouteRulesInput } from '@meshauth/core';
import { allow, deny, guard, type GuardOptions } from './guard.js';
import { remember } from './request-state.js';
import { contextOf } from './router-view.js';

/**
 * The middleware, with the engine behind it for `explain()` and `updatePolicies()`, and route
 * guards bound to that engine (usable even where the middleware is not mounted).
 */
export type MeshAuthMiddleware = RequestHandler & {
  readonly engine: MeshAuth;
  /** A guard that passes only requests one of the rules matches. */
  allow(rules: RouteRulesInput, options?: GuardOptions): RequestHandler;
  /** A guard that refuses requests one of the rules matches. */
  deny(rules: RouteRulesInput, options?: GuardOptions): RequestHandler;
};

function apply(engine: MeshAuth, decision: Decision, req: Request, res: Response, next: NextFunction): void {
  remember(req, engine, decision);
  if (decision.allowed) {
    next();
    return;
  }
  const { status, headers, body } = decision.response;
  res.status(status).set(headers).send(body);
}

/**
 * Builds the middleware; options are validated here, when the middleware is made.
 *
 * @example
 * ```ts
 * const app = express();
 * app.use(meshAuth({ requirePeer: true }));
 * app.get('/whoami', (req, res) => res.json({ caller: req.peerPrincipal?.id }));
 * ```
 */
function createMiddleware(options: MeshAuthOptions = {}): MeshAuthMiddleware {
  const engine = createMeshAuth(options);
  const middleware: RequestHandler = function meshAuthMiddleware(req, res, next) {
    // The router's view of the path, from the app's settings (path-safety.md, design rule 1).
    const result = engine.decide(req, contextOf(req));
    if (result instanceof Promise) result.then((decision) => apply(engine, decision, req, res, next), next);
    else apply(engine, result, req, res, next);
  };
  const bound = (action: 'ALLOW' | 'DENY') => (rules: RouteRulesInput, guardOptions: GuardOptions = {}): RequestHandler =>
    guard(rules instanceof RouteRules ? rules : compileRouteRules(rules, { ...guardOptions, action }), engine, `meshAuth().${action.toLowerCase()}()`);
  return Object.assign(middleware, { engine, allow: bound('ALLOW'), deny: bound('DENY') });
}

/**
 * Express middleware: decides each request with meshauth, puts the caller's identity on
 * `req.peerPrincipal` and the decision on `req.meshAuth`, or answers the denial itself. Mount it
 * with `app.use()` before every router: it reads the path, method and host as the app's router
 * will dispatch them (`case sensitive routing`, `strict routing`), and refuses ambiguous requests
 * with 400 when policies are configured. `meshAuth.allow(rule)` and `meshAuth.deny(rule)` make
 * route guards that use the engine of the middleware that ran.
 *
 * @example
 * ```ts
 * app.use(meshAuth({ policies: './policies' }));
 * app.get('/admin', meshAuth.allow({ from: [{ source: { namespaces: ['admin'] } }] }), handler);
 * ```
 */
export const meshAuth: typeof createMiddleware & { readonly allow: typeof allow; readonly deny: typeof deny } = Object.assign(createMiddleware, { allow, deny });
