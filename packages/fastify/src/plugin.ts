import type { FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { createMeshAuth, type Decision, type MeshAuth, type MeshAuthOptions } from '@meshauth/core';

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
    request.peerPrincipal = decision.peer;
    request.auth = decision.auth;
    done();
    return;
  }
  const { status, headers, body } = decision.response;
  reply.code(status).headers(headers).send(body);
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
  // Declared up front so every request object keeps one shape.
  fastify.decorateRequest('peerPrincipal', undefined);
  fastify.decorateRequest('meshAuth', undefined);
  fastify.decorateRequest('auth', undefined);
  fastify.decorate('meshAuthEngine', engine);
  fastify.addHook('onClose', (_instance, closed) => {
    engine.close();
    closed();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const result = engine.decide(request.raw);
    if (result instanceof Promise) result.then((decision) => apply(decision, request, reply, done), done);
    else apply(result, request, reply, done);
  });
  pluginDone();
};

/**
 * Fastify plugin: decides each request with meshauth in an `onRequest` hook, puts the caller's
 * identity on `request.peerPrincipal` and the decision on `request.meshAuth`, or replies with the
 * denial. Registered with fastify-plugin, so it applies to every route of the instance.
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
