import type { HeaderMutations } from './result.js';

/**
 * Applies {@link HeaderMutations} to a Node-style request (`IncomingMessage`, or anything with a
 * mutable `headers` object and `url`), in Envoy's order: removals, then additions, then the new
 * request target. `rawHeaders` is left alone: frameworks read `headers`.
 *
 * Removals replace `headers` with a copy rather than `delete` from it: a `delete` turns the object
 * V8 keeps for it into a slow dictionary, and every later header read of the request (the
 * framework's, the handler's) pays for that.
 *
 * @example
 * ```ts
 * const r = await authn.authenticate(req);
 * if (r.ok) applyAuthnMutations(req, r.mutations);
 * ```
 */
export function applyAuthnMutations(request: { headers: Record<string, unknown>; url?: string | undefined }, mutations: HeaderMutations): void {
  const { remove, set } = mutations;
  if (remove.length > 0) {
    const headers = request.headers;
    let present = false;
    for (const name of remove) {
      if (headers[name] !== undefined) {
        present = true;
        break;
      }
    }
    if (present) {
      const kept: Record<string, unknown> = {};
      for (const name in headers) if (!remove.includes(name)) kept[name] = headers[name];
      request.headers = kept;
    }
  }
  for (const name in set) request.headers[name] = set[name];
  if (mutations.url !== undefined) request.url = mutations.url;
}
