import type { HeaderMutations } from './result.js';

/**
 * Applies {@link HeaderMutations} to a Node-style request (`IncomingMessage`, or anything with a
 * mutable `headers` object and `url`), in Envoy's order: removals, then additions, then the new
 * request target. `rawHeaders` is left alone: frameworks read `headers`.
 *
 * @example
 * ```ts
 * const r = await authn.authenticate(req);
 * if (r.ok) applyAuthnMutations(req, r.mutations);
 * ```
 */
export function applyAuthnMutations(request: { headers: Record<string, unknown>; url?: string | undefined }, mutations: HeaderMutations): void {
  for (const h of mutations.remove) delete request.headers[h];
  for (const [k, v] of Object.entries(mutations.set)) request.headers[k] = v;
  if (mutations.url !== undefined) request.url = mutations.url;
}
