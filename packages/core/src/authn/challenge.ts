/**
 * The `WWW-Authenticate` challenge of a refusal (RFC 6750 §3), as Envoy builds it (envoy
 * `jwt_authn/filter.cc`): `Bearer realm="<scheme>://<host><path>"`, the path (with its query)
 * cut to 256 characters, and `, error="invalid_token"` for every status but a missing token,
 * which Istio never refuses. The realm is made safe to send: `"` and `\` are escaped as a
 * quoted-string requires, control characters and anything above U+00FF are dropped (Node refuses
 * them in header values).
 */

const MAX_PATH = 256;

function quotedStringContent(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c > 0xff) continue;
    if (c === 0x22 || c === 0x5c) out += '\\';
    out += s[i];
  }
  return out;
}

/**
 * The realm for a request: `scheme://host/path?query`, path cut to 256 characters.
 *
 * @example
 * ```ts
 * bearerRealm('http', 'orders.shop:8080', '/api/orders?id=1'); // 'http://orders.shop:8080/api/orders?id=1'
 * ```
 */
export function bearerRealm(scheme: string, host: string, path: string): string {
  return `${scheme}://${host}${path.length > MAX_PATH ? path.slice(0, MAX_PATH) : path}`;
}

/**
 * The challenge header value.
 *
 * @example
 * ```ts
 * wwwAuthenticate('http://a/b', true);  // 'Bearer realm="http://a/b", error="invalid_token"'
 * wwwAuthenticate('http://a/b', false); // 'Bearer realm="http://a/b"'
 * ```
 */
export function wwwAuthenticate(realm: string, invalidToken: boolean): string {
  const base = `Bearer realm="${quotedStringContent(realm)}"`;
  return invalidToken ? `${base}, error="invalid_token"` : base;
}
