import { createServer as createHttpServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import express5 from 'express';
import express4 from 'express4';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import type { AuthInfo, Decision, MeshAuthOptions } from '@meshauth/core';
import { meshAuth as expressMeshAuth } from '@meshauth/express';
import fastifyMeshAuth from '@meshauth/fastify';
import { meshAuth as koaMeshAuth } from '@meshauth/koa';
import { listen, type Listening } from '@meshauth/testkit';

export const FRAMEWORKS = ['express4', 'express5', 'fastify', 'koa'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** What every test app answers on GET /whoami: the identity and how it was found. */
export interface WhoAmI {
  path: string;
  peer: { id: string; principal: string; namespace?: string; serviceAccount?: string; source: string } | null;
  peerSource: Decision['peerSource'];
  xfccIgnored: string | null;
  /** The verified JWT's principal and claims, when there was one. */
  auth: { principal: string | null; claims: Record<string, unknown> } | null;
  /** The request headers the handler saw (after meshAuth changed them). */
  headers: Record<string, unknown>;
}

type Seen = { headers: Record<string, unknown> };

function whoami(path: string, peer: { toJSON(): WhoAmI['peer'] } | undefined, decision: Decision | undefined, auth: AuthInfo | undefined, req: Seen): WhoAmI {
  return {
    path,
    peer: peer?.toJSON() ?? null,
    peerSource: decision?.peerSource ?? 'none',
    xfccIgnored: decision?.xfccIgnored ?? null,
    auth: auth === undefined ? null : { principal: auth.principal ?? null, claims: { ...auth.claims } },
    headers: req.headers,
  };
}

function serve(listener: RequestListener, tls: ServerOptions | undefined): Promise<Listening> {
  return listen(tls ? createHttpsServer(tls, listener) : createHttpServer(listener));
}

/**
 * Starts the same little app on a framework: meshAuth in front of `routes` (any method), each
 * answering with the identity it saw. Over https when `tls` server options are given.
 */
export async function startApp(framework: Framework, options: MeshAuthOptions, tls?: ServerOptions, routes: readonly string[] = ['/whoami']): Promise<Listening> {
  switch (framework) {
    case 'express4':
    case 'express5': {
      const app = framework === 'express4' ? express4() : express5();
      app.use(expressMeshAuth(options));
      for (const route of routes) {
        app.all(route, (req, res) => {
          res.json(whoami(req.path, req.peerPrincipal, req.meshAuth, req.auth, req));
        });
      }
      return serve(app, tls);
    }
    case 'fastify': {
      // One instance type for both: the routes and hooks do not depend on the transport.
      const app = (tls ? Fastify({ https: tls }) : Fastify()) as unknown as FastifyInstance;
      await app.register(fastifyMeshAuth, options);
      for (const route of routes) app.all(route, async (request) => whoami(request.url.split('?')[0] ?? '', request.peerPrincipal, request.meshAuth, request.auth, request));
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, close: () => app.close() };
    }
    case 'koa': {
      const app = new Koa();
      app.use(koaMeshAuth(options));
      app.use((ctx) => {
        ctx.body = whoami(ctx.path, ctx.state.peerPrincipal, ctx.state.meshAuth, ctx.state.auth, ctx.req);
      });
      return serve(app.callback(), tls);
    }
  }
}
