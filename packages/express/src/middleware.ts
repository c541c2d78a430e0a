import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createMeshAuth, type Decision, type MeshAuth, type MeshAuthOptions } from '@meshauth/core';

/** The middleware, with the engine behind it for `explain()` and `updatePolicies()`. */
export type MeshAuthMiddleware = RequestHandler & { readonly engine: MeshAuth };

function apply(decision: Decision, req: Request, res: Response, next: NextFunction): void {
  req.meshAuth = decision;
  if (decision.allowed) {
    req.peerPrincipal = decision.peer;
    req.auth = decision.auth;
    next();
    return;
  }
  const { status, headers, body } = decision.response;
  res.status(status).set(headers).send(body);
}

/**
 * Express middleware: decides each request with meshauth, puts the caller's identity on
 * `req.peerPrincipal` and the decision on `req.meshAuth`, or answers the denial itself.
 * Options are validated here, when the middleware is made.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { meshAuth } from '@meshauth/express';
 *
 * const app = express();
 * app.use(meshAuth({ requirePeer: true }));
 * app.get('/whoami', (req, res) => res.json({ caller: req.peerPrincipal?.id }));
 * ```
 */
export function meshAuth(options: MeshAuthOptions = {}): MeshAuthMiddleware {
  const engine = createMeshAuth(options);
  const middleware: RequestHandler = function meshAuthMiddleware(req, res, next) {
    const result = engine.decide(req);
    if (result instanceof Promise) result.then((decision) => apply(decision, req, res, next), next);
    else apply(result, req, res, next);
  };
  return Object.assign(middleware, { engine });
}
