import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import express5 from 'express';
import express4 from 'express4';
import Fastify, { type FastifyServerOptions } from 'fastify';
import Koa from 'koa';
import methodOverride from 'method-override';
import type { MeshAuthOptions } from '@meshauth/core';
import { meshAuth as expressMeshAuth } from '@meshauth/express';
import fastifyMeshAuth from '@meshauth/fastify';
import { meshAuth as koaMeshAuth } from '@meshauth/koa';
import { listen } from '@meshauth/testkit';

/**
 * One route table on every framework configuration of path-safety.md, with meshauth mounted
 * globally in front of it. Every handler answers `HANDLER <route>` and records the hit, so a test
 * can tell a request that reached a handler from any refusal.
 */

export const CONFIGS = ['express4', 'express5', 'fastify', 'fastify-lenient', 'fastify-semicolon', 'koa'] as const;
export type Config = (typeof CONFIGS)[number];

/** A running app. */
export interface RouteApp {
  readonly port: number;
  /** Routes whose handler ran, in order. */
  readonly hits: string[];
  close(): Promise<void>;
}

export const MARK = 'HANDLER ';

const FASTIFY_OPTIONS: Record<'fastify' | 'fastify-lenient' | 'fastify-semicolon', FastifyServerOptions> = {
  fastify: {},
  'fastify-lenient': { routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, caseSensitive: false } },
  // Fastify 5 types omit it from routerOptions; find-my-way reads it there (Fastify 4's default).
  'fastify-semicolon': { routerOptions: { useSemicolonDelimiter: true } as FastifyServerOptions['routerOptions'] },
};

/**
 * Starts the route table on a configuration.
 *
 * @example
 * ```ts
 * const app = await startRouteApp('express5', { policies: { text: POLICIES }, workload: { namespace: 'shop' } });
 * ```
 */
export async function startRouteApp(config: Config, options: MeshAuthOptions): Promise<RouteApp> {
  const hits: string[] = [];
  const body = (route: string): string => {
    hits.push(route);
    return MARK + route;
  };
  switch (config) {
    case 'express4':
    case 'express5': {
      const app = config === 'express4' ? express4() : express5();
      app.use(expressMeshAuth(options));
      // Mounted after meshauth, as path-safety.md measured it: the override runs the GET handler.
      for (const header of ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override']) app.use(methodOverride(header));
      const send = (route: string) => (_req: unknown, res: { type(t: string): { send(b: string): void } }) => res.type('text/plain').send(body(route));
      app.get('/admin', send('admin'));
      app.get('/admin/users/:id', send('admin-user'));
      app.get('/files/:name', send('file'));
      app.get(config === 'express4' ? '/api/public/*' : '/api/public/*rest', send('public'));
      app.post('/api/orders', send('orders'));
      app.get('/reports/:id', send('report'));
      const { port, close } = await listen(createServer(app));
      return { port, hits, close };
    }
    case 'fastify':
    case 'fastify-lenient':
    case 'fastify-semicolon': {
      const app = Fastify(FASTIFY_OPTIONS[config]);
      await app.register(fastifyMeshAuth, options);
      const send = (route: string) => async () => body(route);
      app.get('/admin', send('admin'));
      app.get('/admin/users/:id', send('admin-user'));
      app.get('/files/:name', send('file'));
      app.get('/api/public/*', send('public'));
      app.post('/api/orders', send('orders'));
      app.get('/reports/:id', send('report'));
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { port, hits, close: () => app.close() };
    }
    case 'koa': {
      const app = new Koa();
      app.use(koaMeshAuth(options));
      const router = new Router();
      const send = (route: string) => (ctx: { body: unknown }) => {
        ctx.body = body(route);
      };
      router.get('/admin', send('admin'));
      router.get('/admin/users/:id', send('admin-user'));
      router.get('/files/:name', send('file'));
      router.get('/api/public/*rest', send('public'));
      router.post('/api/orders', send('orders'));
      router.get('/reports/:id', send('report'));
      app.use(router.routes()).use(router.allowedMethods());
      const { port, close } = await listen(createServer(app.callback()));
      return { port, hits, close };
    }
  }
}
