import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What core needs to know about one HTTP request. Node's `IncomingMessage` already has this
 * shape, so adapters pass the raw request object and nothing is copied per request.
 *
 * @example
 * ```ts
 * http.createServer((req, res) => {
 *   const decision = engine.decide(req); // IncomingMessage satisfies HttpInput
 * });
 * ```
 */
export interface HttpInput {
  readonly method?: string | undefined;
  /** The request-target as received (origin-form or absolute-form). */
  readonly url?: string | undefined;
  /** Lower-cased header names, Node's joining of repeated headers. */
  readonly headers: IncomingHttpHeaders;
  /** Header names and values as received, in order (Node keeps only the first of repeated `Host` headers in `headers`). */
  readonly rawHeaders?: readonly string[] | undefined;
  /** The connection the request arrived on: a `TLSSocket` when Node terminated TLS. */
  readonly socket: Socket;
}
