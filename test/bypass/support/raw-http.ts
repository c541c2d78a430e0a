import { connect } from 'node:net';

/**
 * Raw HTTP/1.x over a socket: the request bytes go out exactly as written (no client normalizes
 * the target, the Host header or the method), and the answer is parsed just enough to assert on.
 */

/** A parsed answer. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A request to write: the request line parts and the headers, in order. */
export interface RawRequest {
  readonly method: string;
  readonly target: string;
  /** `null`: no Host header at all. A list: one Host header per element. Default `localhost`. */
  readonly host?: string | readonly string[] | null;
  readonly headers?: readonly (readonly [string, string])[];
  readonly version?: '1.0' | '1.1';
}

/**
 * The bytes of a request.
 *
 * @example
 * ```ts
 * requestBytes({ method: 'GET', target: '/admin#x' }); // 'GET /admin#x HTTP/1.1\r\nHost: localhost\r\n...'
 * ```
 */
export function requestBytes(req: RawRequest, extra: readonly (readonly [string, string])[] = []): string {
  const lines = [`${req.method} ${req.target} HTTP/${req.version ?? '1.1'}`];
  const host = req.host === undefined ? 'localhost' : req.host;
  if (host !== null) for (const h of typeof host === 'string' ? [host] : host) lines.push(`Host: ${h}`);
  for (const [name, value] of [...(req.headers ?? []), ...extra]) lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  return lines.join('\r\n');
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    const eol = body.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(body.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Sends raw bytes to 127.0.0.1:`port` from `localAddress` and reads the whole answer.
 *
 * @example
 * ```ts
 * const res = await sendRaw(port, 'GET /admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
 * ```
 */
export function sendRaw(port: number, bytes: string, localAddress = '127.0.0.6'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`timeout for ${JSON.stringify(bytes.slice(0, 80))}`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, end < 0 ? all.length : end).toString('latin1');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body: Buffer = end < 0 ? Buffer.alloc(0) : all.subarray(end + 4);
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: body.toString('utf8') });
    });
    socket.end(bytes);
  });
}
