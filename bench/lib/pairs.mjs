// What the HTTP suite compares: each pair is the same app with and without meshAuth, under the
// same load. `load` says how the callers present their identity.

export const PAIRS = [
  { framework: 'node:http', server: 'node-http.mjs', load: 'xfcc' },
  { framework: 'express', server: 'express.mjs', load: 'xfcc' },
  // What any onRequest hook costs in Fastify, meshAuth's or not: the floor under the XFCC pair.
  { framework: 'fastify', server: 'fastify.mjs', load: 'hook' },
  { framework: 'fastify', server: 'fastify.mjs', load: 'xfcc' },
  // The same meshAuth server against that floor: what meshAuth adds above any hook.
  { framework: 'fastify', server: 'fastify.mjs', load: 'xfcc', baseline: 'hook' },
  // The same meshAuth code loaded as one module per source file (lib/per-file-build.mjs) against
  // the published build, one module per package: what the module layout alone costs a request.
  { framework: 'fastify', server: 'fastify.mjs', load: 'xfcc', baseline: 'xfcc-per-file' },
  { framework: 'koa', server: 'koa.mjs', load: 'xfcc' },
  { framework: 'fastify', server: 'fastify.mjs', load: 'mtls' },
  { framework: 'node:http', server: 'node-http.mjs', load: 'mtls' },
  // The XFCC load again, with the 10-rule AuthorizationPolicy of bench/fixtures enforced.
  { framework: 'fastify', server: 'fastify.mjs', load: 'xfcc-policy' },
  { framework: 'fastify', server: 'fastify.mjs', load: 'xfcc-policy', baseline: 'hook' },
  { framework: 'express', server: 'express.mjs', load: 'xfcc-policy' },
];

/**
 * The JWT pairs (bench/lib/jwt-suite.mjs, `--jwt`): bare Fastify against Fastify verifying the
 * same ES256 token on every request, with meshAuth's RequestAuthentication (`jwt`) or with
 * @fastify/jwt, each with its verified-token cache on and off. `variant` is the server variant.
 */
export const JWT_PAIRS = [
  { framework: 'fastify', server: 'fastify.mjs', load: 'jwt', variant: 'jwt' },
  // meshAuth against an empty onRequest hook (the floor of any Fastify plugin with a hook).
  { framework: 'fastify', server: 'fastify.mjs', load: 'jwt', variant: 'jwt', baseline: 'hook' },
  { framework: 'fastify', server: 'fastify.mjs', load: 'jwt', variant: 'fastify-jwt' },
  { framework: 'fastify', server: 'fastify.mjs', load: 'jwt', variant: 'jwt-nocache' },
  { framework: 'fastify', server: 'fastify.mjs', load: 'jwt', variant: 'fastify-jwt-nocache' },
];

/** The server variants of a pair, baseline first: `pair.baseline` when given, else the bare server. */
export function variantsOf(pair) {
  const [bare, other] = defaultVariantsOf(pair);
  return [pair.baseline ?? bare, other];
}

function defaultVariantsOf(pair) {
  if (pair.load === 'jwt') return ['bare', pair.variant];
  if (pair.load === 'xfcc-policy') return ['bare', 'xfcc-policy'];
  if (pair.load === 'hook') return ['bare', 'hook'];
  return pair.load === 'xfcc' ? ['bare', 'xfcc'] : ['mtls-bare', 'mtls'];
}

/** How a configuration is named in the report, e.g. "fastify + meshAuth (XFCC)". */
export function labelOf(pair, variant) {
  switch (variant) {
    case 'bare':
      return `${pair.framework} bare`;
    case 'hook':
      return `${pair.framework} + empty onRequest hook`;
    case 'xfcc':
      return `${pair.framework} + meshAuth (XFCC)`;
    case 'xfcc-per-file':
      return `${pair.framework} + meshAuth (XFCC), one module per file`;
    case 'xfcc-policy':
      return `${pair.framework} + meshAuth (XFCC + policy)`;
    case 'jwt':
      return `${pair.framework} + meshAuth (JWT)`;
    case 'jwt-nocache':
      return `${pair.framework} + meshAuth (JWT, no cache)`;
    case 'fastify-jwt':
      return `${pair.framework} + @fastify/jwt (cache)`;
    case 'fastify-jwt-nocache':
      return `${pair.framework} + @fastify/jwt (no cache)`;
    case 'mtls-bare':
      return `${pair.framework} mTLS bare`;
    default:
      return `${pair.framework} mTLS + meshAuth (TLS)`;
  }
}
