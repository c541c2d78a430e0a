import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real key-set server on 127.0.0.1 for tests: serves `/jwks` and an OpenID discovery document,
 * and can be told to rotate keys, answer slowly, fail with a status, send junk, or go away.
 */
export interface JwksServer {
  readonly origin: string;
  readonly jwksUri: string;
  /** Requests received on `/jwks`. */
  readonly jwksRequests: number;
  /** Requests received on the discovery path. */
  readonly discoveryRequests: number;
  setKeys(jwks: unknown): void;
  /** Delay every answer by this many ms. */
  setDelay(ms: number): void;
  /** Answer `/jwks` with this status and an empty JSON object (undefined restores 200). */
  setStatus(status: number | undefined): void;
  /** Answer `/jwks` with this raw body (undefined restores the key set). */
  setRawBody(body: string | undefined): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: unknown = { keys: [] }): Promise<JwksServer> {
  let keys: unknown = initial;
  let delay = 0;
  let status: number | undefined;
  let raw: string | undefined;
  let jwksRequests = 0;
  let discoveryRequests = 0;
  const server: Server = createServer((req, res) => {
    const answer = (): void => {
      if (req.url === '/.well-known/openid-configuration') {
        discoveryRequests++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: origin, jwks_uri: `${origin}/jwks` }));
        return;
      }
      if (req.url?.startsWith('/jwks')) {
        jwksRequests++;
        if (status !== undefined) return void res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
        res.writeHead(200, { 'content-type': 'application/json' }).end(raw ?? JSON.stringify(keys));
        return;
      }
      res.writeHead(404).end();
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    jwksUri: `${origin}/jwks`,
    get jwksRequests() {
      return jwksRequests;
    },
    get discoveryRequests() {
      return discoveryRequests;
    },
    setKeys(jwks) {
      keys = jwks;
    },
    setDelay(ms) {
      delay = ms;
    },
    setStatus(s) {
      status = s;
    },
    setRawBody(body) {
      raw = body;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
