import type { FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { createMeshAuth, type Decision, type MeshAuth, type MeshAuthOptions } from '@meshauth/core';
import { rememberRouter, routeRulesHook } from './route-rules.js';
import { contextOf, routerOfInstance } from './router-view.js';

/** Keys Fastify itself reads from `register` options; they are not meshauth's to validate. */
const REGISTER_KEYS = new Set(['prefix', 'logLevel', 'logSerializers']);

function meshAuthOptions(options: MeshAuthOptions): MeshAuthOptions {
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!REGISTER_KEYS.has(key)) own[key] = value;
  return own as MeshAuthOptions;
}

function apply(decision: Decision, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  request.meshAuth = decision;
  if (decision.allowed) {
    done();
    return;
  }
  const { status, headers, body } = decision.response;
  reply.code(status).headers(headers).send(body);
}

/**
 * An accessor for a request field the decision holds. Another plugin or a test may still assign
 * the field: the value is then kept on that request and shadows the decision's.
 */
function fromDecision<K extends 'peerPrincipal' | 'auth'>(key: K, read: (decision: Decision) => FastifyRequest[K]) {
  return {
    getter(this: FastifyRequest): FastifyRequest[K] {
      // As before a decision: nothing for a denied request (its onResponse hooks still run).
      const decision = this.meshAuth;
      return decision?.allowed === true ? read(decision) : undefined;
    },
    setter(this: FastifyRequest, value: FastifyRequest[K]): void {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
  };
}

const plugin: FastifyPluginCallback<MeshAuthOptions> = (fastify, options, pluginDone) => {
  let engine: MeshAuth;
  try {
    engine = createMeshAuth(meshAuthOptions(options));
  } catch (err) {
    // Fastify waits for the callback: a bad option must fail registration, not time it out.
    pluginDone(err as Error);
    return;
  }
  // One field per request, declared up front so every request object keeps one shape; the
  // identity and the JWT are read from the decision on the prototype. Fastify copies each value
  // decorator onto every request it builds, so each one is work on every request.
  fastify.decorateRequest('meshAuth', undefined);
  fastify.decorateRequest('peerPrincipal', fromDecision('peerPrincipal', (d) => d.peer));
  fastify.decorateRequest('auth', fromDecision('auth', (d) => d.auth));
  fastify.decorate('meshAuthEngine', engine);
  fastify.addHook('onClose', (_instance, closed) => {
    engine.close();
    closed();
  });
  const router = routerOfInstance(fastify);
  rememberRouter(engine, router);
  // Route `config.meshAuth` is compiled as each route is registered.
  fastify.addHook('onRoute', routeRulesHook(engine));
  fastify.addHook('onRequest', (request, reply, done) => {
    // Routing has happened: the matched route and its decoded params are known here.
    const result = engine.decide(request.raw, contextOf(request, router));
    if (result instanceof Promise) result.then((decision) => apply(decision, request, reply, done), done);
    else apply(result, request, reply, done);
  });
  pluginDone();
};

/**
 * Fastify plugin: decides each request with meshauth in an `onRequest` hook, puts the caller's
 * identity on `request.peerPrincipal` and the decision on `request.meshAuth`, or replies with the
 * denial. Registered with fastify-plugin, so it applies to every route of the instance. Policies
 * are evaluated on the path of the route find-my-way matched, with the instance's router options
 * (`caseSensitive`, `ignoreTrailingSlash`, `ignoreDuplicateSlashes`, `useSemicolonDelimiter`);
 * ambiguous requests are refused with 400. Routes registered after the plugin may carry
 * `config: { meshAuth: { allow, deny } }` rules.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import meshAuth from '@meshauth/fastify';
 *
 * const app = Fastify();
 * await app.register(meshAuth, { requirePeer: true });
 * app.get('/whoami', async (request) => ({ caller: request.peerPrincipal?.id }));
 * ```
 */
export const meshAuth = fp(plugin, { fastify: '5.x', name: '@meshauth/fastify' });
