import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { PeerIdentity } from '../peer/peer-identity.js';
import type { AuthzJwt, AuthzRequest } from '../policy/request.js';
import type { HttpInput } from './http-input.js';

/** The parts of a request's attributes that belong to its connection, read once per connection. */
export interface ConnectionAttributes {
  readonly sourceIp: string | undefined;
  readonly sourcePort: number | undefined;
  readonly destinationIp: string | undefined;
  readonly destinationPort: number | undefined;
  /** Envoy's `requested_server_name`: `""` on plaintext (authorization-policy.md 6, `connection.sni`). */
  readonly sni: string;
}

export function connectionAttributes(socket: Socket): ConnectionAttributes {
  const servername = (socket as Partial<TLSSocket>).servername;
  return {
    sourceIp: socket.remoteAddress,
    sourcePort: socket.remotePort,
    destinationIp: socket.localAddress,
    destinationPort: socket.localPort,
    sni: typeof servername === 'string' ? servername : '',
  };
}

/**
 * The path a policy sees: the request-target without query or fragment, with an absolute-form
 * target (`http://host/path`) reduced to its path, as every Node router reduces it
 * (path-safety.md).
 *
 * @example
 * ```ts
 * requestPath('/orders/7?x=1'); // '/orders/7'
 * requestPath('http://orders.shop/orders/7'); // '/orders/7'
 * ```
 */
export function requestPath(url: string | undefined): string {
  if (url === undefined || url === '') return '/';
  let start = 0;
  if (url.charCodeAt(0) !== 47 /* / */ && url !== '*') {
    const scheme = url.indexOf('://');
    if (scheme > 0) {
      const slash = url.indexOf('/', scheme + 3);
      if (slash < 0) return '/';
      start = slash;
    }
  }
  let end = url.length;
  for (let i = start; i < end; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) end = i;
  }
  return start === 0 && end === url.length ? url : url.slice(start, end);
}

/**
 * Envoy's `remote_ip` with `use_remote_address: false`: the address `numTrustedProxies` entries
 * from the right of `X-Forwarded-For`, else the direct peer (envoy conn_manager_utility.cc
 * `mutateRequestHeaders`, `xff_num_trusted_hops`). Unlike Envoy, the header is read only from a
 * trusted hop: from anyone else it is the caller's own claim.
 */
export function remoteIp(xff: string | string[] | undefined, sourceIp: string | undefined, trustedHop: boolean, numTrustedProxies: number): string | undefined {
  if (!trustedHop || xff === undefined) return sourceIp;
  const entries = (Array.isArray(xff) ? xff.join(',') : xff).split(',');
  const picked = entries[entries.length - 1 - numTrustedProxies]?.trim();
  return picked === undefined || picked === '' ? sourceIp : picked;
}

/**
 * The request as AuthorizationPolicy sees it.
 *
 * @example
 * ```ts
 * const attrs = toAuthzRequest(req, connectionAttributes(req.socket), peer, undefined, true, 0);
 * evaluatePolicies(snapshot, attrs);
 * ```
 */
export function toAuthzRequest(
  input: HttpInput,
  connection: ConnectionAttributes,
  peer: PeerIdentity | undefined,
  auth: AuthzJwt | undefined,
  trustedHop: boolean,
  numTrustedProxies: number,
): AuthzRequest {
  const headers = input.headers;
  return {
    method: input.method ?? 'GET',
    path: requestPath(input.url),
    host: (headers.host ?? '').toLowerCase(),
    headers,
    sourceIp: connection.sourceIp,
    remoteIp: remoteIp(headers['x-forwarded-for'], connection.sourceIp, trustedHop, numTrustedProxies),
    sourcePort: connection.sourcePort,
    destinationIp: connection.destinationIp,
    destinationPort: connection.destinationPort,
    sni: connection.sni,
    peer,
    auth,
  };
}
