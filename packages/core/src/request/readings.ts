import type { AuthzRequest, PolicySnapshot } from '../policy/index.js';
import { readHost, type HostView } from './host.js';
import type { HttpInput } from './http-input.js';
import { requestMethods } from './methods.js';
import { meshSpelling, routerSpelling } from './path-canonical.js';
import { PATH_ESCAPED, PATH_TRAILING_SLASH, PATH_UPPER, scanPath } from './path-scan.js';
import type { PolicyView } from './policy-view.js';
import { isRefusal, refusal, type Refusal } from './refusal.js';
import type { ResolvedRequestOptions } from './request-options.js';
import { parseRequestTarget } from './request-target.js';
import { routePath, type MatchedRoute } from './route-path.js';
import { UNKNOWN_ROUTER, type RouterProfile } from './router-profile.js';

/**
 * Every plausible reading of one request (path spelling x method x host), each with the snapshot
 * to evaluate it against. Policies must deny if any reading is denied and allow only if all are
 * allowed (path-safety.md, design rule 6). A plain request (`GET /api/orders/7`, lower case, no
 * trailing slash, Host without surprises) has exactly one reading.
 */

/**
 * What the adapter knows about the router that will dispatch the request.
 *
 * @example
 * ```ts
 * engine.decide(request.raw, { router: FASTIFY_DEFAULT_ROUTER, route: { pattern: request.routeOptions.url, params: request.params } });
 * ```
 */
export interface RequestContext {
  /** The router's equivalences. Default {@link UNKNOWN_ROUTER} (every equivalence, fail closed). */
  readonly router?: RouterProfile | undefined;
  /** The request-target to read instead of `request.url` (Express rewrites `req.url` in mounted routers; `req.originalUrl` is the target). */
  readonly target?: string | undefined;
  /**
   * The route the router matched, when it routes before authorization (Fastify), or a function
   * giving it: it is read only for paths that are not already plain.
   */
  readonly route?: MatchedRoute | (() => MatchedRoute | undefined) | undefined;
}

/**
 * One reading of a request.
 *
 * @example
 * ```ts
 * for (const r of readings) if (!evaluatePolicies(r.snapshot, r.request).allowed) return deny();
 * ```
 */
export interface Reading {
  readonly snapshot: PolicySnapshot;
  readonly request: AuthzRequest;
  /**
   * The reading can deny but need not be allowed: `HEAD` next to the `GET` whose handler will run,
   * so that a rule on GET governs HEAD both ways while a DENY on HEAD still applies.
   */
  readonly denyOnly: boolean;
}

type PathReading = readonly [path: string, snapshot: PolicySnapshot];

function addPath(list: PathReading[], path: string, snapshot: PolicySnapshot): void {
  for (const [p, s] of list) if (p === path && s === snapshot) return;
  list.push([path, snapshot]);
}

function routerPaths(list: PathReading[], path: string, flags: number, router: RouterProfile, view: PolicyView): void {
  const spelled = routerSpelling(path, flags, router.mergeSlashes);
  const spellings = [spelled];
  if (router.ignoreTrailingSlash && spelled !== '*') {
    if ((flags & PATH_TRAILING_SLASH) !== 0) spellings.push(spelled.slice(0, -1));
    else if (view.slashSensitive && spelled !== '/') spellings.push(`${spelled}/`);
  }
  for (const s of spellings) {
    // Decoding can produce upper case too (`/%41dmin`).
    if (router.caseInsensitive) addPath(list, (flags & (PATH_UPPER | PATH_ESCAPED)) === 0 ? s : s.toLowerCase(), view.lowered());
    else addPath(list, s, view.snapshot);
  }
}

function hostSpellings(host: HostView, view: PolicyView): readonly string[] {
  if (host.port === undefined || view.hostMode === 'hostname') return [host.hostname];
  const authority = `${host.hostname}:${host.port}`;
  return view.hostMode === 'authority' ? [authority] : [authority, host.hostname];
}

// The plain request: one path spelling, one method, one host form. Allocates one object at most.
function singleReading(
  path: string, flags: number, methods: readonly string[], host: HostView, router: RouterProfile, view: PolicyView, base: AuthzRequest,
): Reading | undefined {
  if (flags !== 0 || methods.length !== 1 || (host.port !== undefined && view.hostMode === 'both')) return undefined;
  if (router.caseInsensitive && view.lowered() !== view.snapshot) return undefined;
  if (router.ignoreTrailingSlash && view.slashSensitive && path !== '/') return undefined;
  const method = methods[0] as string;
  const h = host.port === undefined || view.hostMode === 'hostname' ? host.hostname : `${host.hostname}:${host.port}`;
  const same = base.method === method && base.path === path && base.host === h;
  return { snapshot: view.snapshot, request: same ? base : { ...base, method, path, host: h }, denyOnly: false };
}

/**
 * The readings of a request, or the refusal that applies to it. `base` carries every attribute
 * that does not depend on the reading (addresses, headers, peer, JWT); each reading replaces its
 * `method`, `path` and `host`.
 *
 * @example
 * ```ts
 * const readings = readRequest(req, { router: EXPRESS_DEFAULT_ROUTER }, base, policyView(snapshot), options, trustedHop);
 * if (isRefusal(readings)) return refuse(readings);
 * ```
 */
export function readRequest(
  input: HttpInput,
  context: RequestContext | undefined,
  base: AuthzRequest,
  view: PolicyView,
  options: ResolvedRequestOptions,
  trustedHop: boolean,
): readonly Reading[] | Refusal {
  const target = parseRequestTarget(context?.target ?? input.url, options.refuseAbsoluteForm);
  if (isRefusal(target)) return target;
  const router = context?.router ?? UNKNOWN_ROUTER;
  const flags = scanPath(target.path, router, options.strictness);
  if (isRefusal(flags)) return flags;
  const methods = requestMethods(input, target.query, options.methodOverride);
  if (isRefusal(methods)) return methods;
  const host = readHost(input, target, options.host, trustedHop);
  if (isRefusal(host)) return host;

  const single = singleReading(target.path, flags, methods, host, router, view, base);
  if (single !== undefined) return [single];
  const paths: PathReading[] = [[meshSpelling(target.path, flags, options.pathNormalization), view.snapshot]];
  // A plain path is exactly what any router matches; otherwise a matched route says what it stands for.
  const given = flags === 0 ? undefined : context?.route;
  const route = typeof given === 'function' ? given() : given;
  if (route !== undefined) {
    const canonical = routePath(route);
    if (canonical === undefined) return refusal('invalid-encoding');
    addPath(paths, canonical, view.snapshot);
    // Parameters keep the case they were sent with; a case-insensitive router also matched its literals without it.
    if (router.caseInsensitive) addPath(paths, canonical.toLowerCase(), view.lowered());
  } else {
    routerPaths(paths, target.path, flags, router, view);
  }
  const hosts = hostSpellings(host, view);

  const readings: Reading[] = [];
  for (const [path, snapshot] of paths) {
    for (const method of methods) {
      for (const h of hosts) {
        const same = base.method === method && base.path === path && base.host === h;
        readings.push({ snapshot, request: same ? base : { ...base, method, path, host: h }, denyOnly: method === 'HEAD' && methods.includes('GET') });
      }
    }
  }
  return readings;
}

/**
 * Only the refusal part of {@link readRequest}, for requests no policy will evaluate
 * (`request.refuseAlways`).
 *
 * @example
 * ```ts
 * const refused = refusalOf(req, context, options, trustedHop);
 * ```
 */
export function refusalOf(input: HttpInput, context: RequestContext | undefined, options: ResolvedRequestOptions, trustedHop: boolean): Refusal | undefined {
  const target = parseRequestTarget(context?.target ?? input.url, options.refuseAbsoluteForm);
  if (isRefusal(target)) return target;
  const flags = scanPath(target.path, context?.router ?? UNKNOWN_ROUTER, options.strictness);
  if (isRefusal(flags)) return flags;
  const methods = requestMethods(input, target.query, options.methodOverride);
  if (isRefusal(methods)) return methods;
  const host = readHost(input, target, options.host, trustedHop);
  return isRefusal(host) ? host : undefined;
}
