// What the HTTP suite compares: each pair is the same app with and without meshAuth, under the
// same load. `load` says how the callers present their identity.

export const PAIRS = [
  { framework: 'node:http', server: 'node-http.mjs', load: 'xfcc' },
  { framework: 'express', server: 'express.mjs', load: 'xfcc' },
  { framework: 'fastify', server: 'fastify.mjs', load: 'xfcc' },
  { framework: 'koa', server: 'koa.mjs', load: 'xfcc' },
  { framework: 'fastify', server: 'fastify.mjs', load: 'mtls' },
  { framework: 'node:http', server: 'node-http.mjs', load: 'mtls' },
];

/** The server variants of a pair, baseline first. */
export function variantsOf(pair) {
  return pair.load === 'xfcc' ? ['bare', 'xfcc'] : ['mtls-bare', 'mtls'];
}

/** How a configuration is named in the report, e.g. "fastify + meshAuth (XFCC)". */
export function labelOf(pair, variant) {
  switch (variant) {
    case 'bare':
      return `${pair.framework} bare`;
    case 'xfcc':
      return `${pair.framework} + meshAuth (XFCC)`;
    case 'mtls-bare':
      return `${pair.framework} mTLS bare`;
    default:
      return `${pair.framework} mTLS + meshAuth (TLS)`;
  }
}
