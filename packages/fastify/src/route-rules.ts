import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, RouteOptions } from 'fastify';
import { compileRouteRules, NotMountedError, RouteRules, UNKNOWN_ROUTER, type Decision, type MeshAuth, type RouteRuleOptions, type RouteRulesInput, type RouterProfile } from '@meshauth/core';
import { contextOf } from './router-view.js';

/**
 * Route-level rules for Fastify: `config.meshAuth` on a route, compiled when the route is
 * registered (`onRoute`), checked in a route `onRequest` hook after the plugin's own; and
 * `authorize()` for decisions in a handler.
 */

/**
 * What a route's `config.meshAuth` may hold. `deny` is checked before `allow`, as policies are.
 *
 * @example
 * ```ts
 * app.get('/admin', { config: { meshAuth: { allow: { from: [{ source: { namespaces: ['admin'] } }] } } } }, handler);
 * ```
 */
export interface RouteAuthConfig {
  /** Rules one of which must match (an ALLOW policy for the route). */
  readonly allow?: RouteRulesInput;
  /** Rules none of which may match (a DENY policy for the route). */
  readonly deny?: RouteRulesInput;
  /** Names the rules in decisions: `ns[NAMESPACE]-policy[NAME]-rule[i]`. Default `route`. */
  readonly name?: string;
  /** The namespace the rules are written for. */
  readonly namespace?: string;
}

const routers = new WeakMap<MeshAuth, RouterProfile>();

/**
 * Records the router profile the plugin read for its engine.
 *
 * @example
 * ```ts
 * rememberRouter(engine, routerOfInstance(fastify));
 * ```
 */
export function rememberRouter(engine: MeshAuth, router: RouterProfile): void {
  routers.set(engine, router);
}

function engineOf(request: FastifyRequest): MeshAuth {
  const engine = (request.server as { meshAuthEngine?: MeshAuth }).meshAuthEngine;
  if (engine === undefined) throw new NotMountedError('authorize()');
  return engine;
}

function decideRules(engine: MeshAuth, request: FastifyRequest, rules: RouteRulesInput): Decision {
  const router = routers.get(engine);
  return engine.authorize(request.raw, rules, { ...contextOf(request, router ?? UNKNOWN_ROUTER), decision: request.meshAuth });
}

/**
 * Decides rules for this request inside a handler, for questions that need application data.
 * Returns the `Decision`; send `decision.response` when it is not allowed.
 *
 * @example
 * ```ts
 * app.post('/orders/:id/cancel', async (request, reply) => {
 *   const order = orders.get(request.params.id);
 *   const decision = authorize(request, { from: [{ source: { principals: [order.owner] } }] });
 *   if (!decision.allowed) return reply.code(decision.status).headers(decision.response.headers).send(decision.response.body);
 *   return cancel(order);
 * });
 * ```
 */
export function authorize(request: FastifyRequest, rules: RouteRulesInput): Decision {
  return decideRules(engineOf(request), request, rules);
}

function compiled(config: RouteAuthConfig): RouteRules[] {
  const options: RouteRuleOptions = { ...(config.name === undefined ? {} : { name: config.name }), ...(config.namespace === undefined ? {} : { namespace: config.namespace }) };
  const compile = (rules: RouteRulesInput, action: 'ALLOW' | 'DENY'): RouteRules =>
    rules instanceof RouteRules ? rules : compileRouteRules(rules, { ...options, action });
  const out: RouteRules[] = [];
  if (config.deny !== undefined) out.push(compile(config.deny, 'DENY'));
  if (config.allow !== undefined) out.push(compile(config.allow, 'ALLOW'));
  return out;
}

function hookFor(engine: MeshAuth, rules: readonly RouteRules[]): onRequestHookHandler {
  return function meshAuthRouteRules(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    for (const r of rules) {
      const decision = decideRules(engine, request, r);
      if (!decision.allowed) {
        const { status, headers, body } = decision.response;
        reply.code(status).headers(headers).send(body);
        return;
      }
    }
    done();
  };
}

/**
 * The `onRoute` hook: compiles `config.meshAuth` (an invalid rule fails the registration) and adds
 * a route `onRequest` hook that checks it.
 *
 * @example
 * ```ts
 * fastify.addHook('onRoute', routeRulesHook(engine));
 * ```
 */
export function routeRulesHook(engine: MeshAuth): (route: RouteOptions) => void {
  return (route) => {
    const config = (route.config as { meshAuth?: RouteAuthConfig } | undefined)?.meshAuth;
    if (config === undefined) return;
    const hook = hookFor(engine, compiled(config));
    const existing = route.onRequest;
    route.onRequest = existing === undefined ? [hook] : Array.isArray(existing) ? [...(existing as onRequestHookHandler[]), hook] : [existing as onRequestHookHandler, hook];
  };
}
