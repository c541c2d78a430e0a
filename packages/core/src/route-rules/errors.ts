import { MeshAuthError } from '../errors.js';

/**
 * A route rule or `authorize()` was used on a request that the meshauth middleware (or plugin) did
 * not see first, so there is no engine to decide it with. Mount the middleware before the route.
 *
 * @example
 * ```ts
 * try { authorize(req, rule) } catch (err) {
 *   if (err instanceof NotMountedError) console.error('app.use(meshAuth()) is missing');
 * }
 * ```
 */
export class NotMountedError extends MeshAuthError {
  readonly code = 'ERR_NOT_MOUNTED' as const;

  constructor(where: string) {
    super(`${where} needs the meshauth middleware to run before it on this request`);
  }
}
