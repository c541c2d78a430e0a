import { request as httpRequest, type Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { request as httpsRequest, Server as HttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A certificate and key to present, as PEM: an SVID from `issueSvid` fits. */
export interface TlsIdentity {
  /** Leaf first, then intermediates. */
  readonly chainPem: string;
  readonly keyPem: string;
}

/**
 * `https.createServer` options for a server that asks every client for a certificate.
 * `rejectUnauthorized` defaults to `false` so that meshauth, not the handshake, judges the client
 * certificate (against the bundle of its own trust domain) and answers with a reason code; set it
 * to `true` to also refuse unknown clients during the handshake.
 *
 * @example
 * ```ts
 * const server = https.createServer(mtlsServerOptions({ identity: serverSvid, roots: [ca.certPem] }), app);
 * ```
 */
export function mtlsServerOptions(options: {
  identity: TlsIdentity;
  roots: readonly string[];
  rejectUnauthorized?: boolean;
}): ServerOptions {
  return {
    cert: options.identity.chainPem,
    key: options.identity.keyPem,
    ca: [...options.roots],
    requestCert: true,
    rejectUnauthorized: options.rejectUnauthorized ?? false,
  };
}

/** A listening test server and how to stop it. */
export interface Listening {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on an ephemeral port of 127.0.0.1 and resolves with its base URL.
 *
 * @example
 * ```ts
 * const { url, close } = await listen(http.createServer(app));
 * ...
 * await close();
 * ```
 */
export function listen(server: HttpServer | HttpsServer, host = '127.0.0.1'): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      const scheme = server instanceof HttpsServer ? 'https' : 'http';
      resolve({
        url: `${scheme}://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** What a test request gives back. */
export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  json<T = unknown>(): T;
}

/** How to send one test request. */
export interface TestRequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** For https URLs: the client certificate to present. */
  identity?: TlsIdentity;
  /** For https URLs: roots that verify the server (server name checks are skipped: SVIDs carry no host name). */
  ca?: readonly string[];
  /** Local source address, e.g. `127.0.0.6` to connect the way Istio's sidecar does. */
  localAddress?: string;
  /**
   * A keep-alive agent, to send several requests on one connection the way a sidecar's pool does
   * (`new Agent({ keepAlive: true, maxSockets: 1 })`; `https.Agent` for https URLs). Default: a
   * fresh connection per request.
   */
  agent?: HttpAgent;
}

/**
 * Sends one request (on a fresh connection unless `agent` says otherwise) and reads the whole answer. With `localAddress` the
 * server sees that source IP, which is how tests act as a trusted or untrusted hop.
 *
 * @example
 * ```ts
 * const res = await sendRequest(`${url}/whoami`, { identity: clientSvid, ca: [ca.certPem] });
 * expect(res.json()).toEqual({ caller: clientSvid.id });
 * ```
 */
export function sendRequest(url: string, options: TestRequestOptions = {}): Promise<TestResponse> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const common = {
    method: options.method ?? 'GET',
    headers: options.headers,
    agent: options.agent ?? (false as const),
    localAddress: options.localAddress,
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
      });
    };
    const req = secure
      ? httpsRequest(target, {
          ...common,
          cert: options.identity?.chainPem,
          key: options.identity?.keyPem,
          ca: options.ca ? [...options.ca] : undefined,
          rejectUnauthorized: options.ca !== undefined,
          checkServerIdentity: () => undefined,
        }, onResponse)
      : httpRequest(target, common, onResponse);
    req.on('error', reject);
    req.end(options.body);
  });
}
