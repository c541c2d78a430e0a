// Deterministic AuthorizationPolicy sets for the policy benchmarks, one per shape and size, the
// same on every run and in every process (a seeded generator, no Math.random):
//  - `size` rules apply to the benchmark workload (namespace `shop`, labels app=orders,
//    version=v2), spread over many policies of 1 to 4 rules each: about 85% in `shop` (most with
//    a selector that matches the workload, some without), the rest mesh-wide in `istio-system`;
//    about 12% of the policies are DENY, the others ALLOW, the first always ALLOW;
//  - about size/4 more rules in policies for other workloads (other namespaces, or a selector for
//    another app) that scoping skips: they cost compile time only;
//  - every rule carries at least one value unique to it (a path, principal, namespace or group
//    with its index), so no rule matches everything;
//  - requests that match a rule ("hits": a rule decided, ALLOW or DENY) and requests that match
//    none ("misses": the default deny of the ALLOW stage), classified by evaluating them.
// Each rule is generated as a small spec first; the spec gives the Istio rule, the node-casbin
// policy lines of the same rule (bench/lib/policy-casbin.mjs) and requests that match it.
import { compilePolicies, evaluatePolicies, parsePolicies } from '@meshauth/core';

export const SIZES = [10, 100, 1000];

export const SHAPES = [
  { name: 'exact', label: 'exact paths' },
  { name: 'prefix', label: 'prefix paths' },
  { name: 'suffix', label: 'suffix paths' },
  { name: 'template', label: 'path templates' },
  { name: 'principal', label: 'principals' },
  { name: 'claims', label: 'JWT claims' },
  { name: 'mixed', label: 'mixed' },
];

export const WORKLOAD = { namespace: 'shop', labels: { app: 'orders', version: 'v2' } };
export const ROOT_NAMESPACE = 'istio-system';
export const HOST = 'orders.shop.svc.cluster.local';
/** Hits and misses each; evaluation cycles through them. */
export const REQUESTS_PER_CLASS = 64;

const SEGMENTS = [
  'api', 'v1', 'v2', 'admin', 'internal', 'orders', 'cart', 'catalog', 'users', 'billing', 'reports', 'search',
  'inventory', 'shipping', 'payments', 'auth', 'files', 'assets', 'metrics', 'webhooks', 'partners', 'export', 'graphql', 'static',
];
const RESOURCES = ['items', 'invoices', 'customers', 'refunds', 'sessions', 'tokens', 'products', 'reviews', 'carts', 'coupons', 'addresses', 'shipments'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const EXTENSIONS = ['json', 'csv', 'pdf', 'xml', 'txt'];
const TEAMS = ['frontend', 'checkout', 'catalog', 'billing', 'fulfilment', 'search', 'analytics', 'support', 'partners', 'batch'];
const SERVICES = ['web', 'api', 'worker', 'gateway', 'sync', 'importer', 'exporter', 'scheduler'];
/** Callers that no rule names (rules name `<svc>-<index>`, namespaces `tenant-<index>`). */
const CALLERS = TEAMS.map((team, i) => `cluster.local/ns/${team}/sa/${SERVICES[i % SERVICES.length]}`);

/** mulberry32: a small, fast, seeded generator of floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

/** FNV-1a of the text: the default seed of a set, from its shape and size. */
function seedOf(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// --- rule specs ------------------------------------------------------------------------------
// A spec: { principals?, namespaces?, methods?, paths?, groups? }, each a list of Istio values.

const exactPath = (r, i) => (r.chance(0.5) ? `/${r.pick(SEGMENTS)}/${r.pick(RESOURCES)}-${i}` : `/${r.pick(SEGMENTS)}/v${1 + r.int(3)}/${r.pick(RESOURCES)}-${i}`);
// `/<seg>-<i>-*` has no whole first segment, so the rule index cannot file it.
const prefixPath = (r, i) => (r.chance(0.9) ? `/${r.pick(SEGMENTS)}/${r.pick(RESOURCES)}-${i}/*` : `/${r.pick(SEGMENTS)}-${i}-*`);
const suffixPath = (r, i) => (r.chance(0.5) ? `*/${r.pick(RESOURCES)}-${i}` : `*.${r.pick(EXTENSIONS)}${i}`);
function templatePath(r, i) {
  const seg = r.pick(SEGMENTS);
  const res = r.pick(RESOURCES);
  const k = r.next();
  if (k < 0.5) return `/${seg}/{*}/${res}-${i}`;
  if (k < 0.75) return `/${seg}/${res}-${i}/{*}/history`;
  return `/${seg}/${res}-${i}/{**}`;
}
const principal = (r, i) => `cluster.local/ns/${r.pick(TEAMS)}/sa/${r.pick(SERVICES)}-${i}`;

/** With chance `p` a method constraint (one method, now and then two), else none. */
function methods(r, p) {
  if (!r.chance(p)) return undefined;
  const first = r.pick(METHODS);
  if (!r.chance(0.2)) return [first];
  const second = METHODS[(METHODS.indexOf(first) + 1 + r.int(METHODS.length - 1)) % METHODS.length];
  return [first, second];
}

const withMethods = (spec, r, p) => {
  const m = methods(r, p);
  return m === undefined ? spec : { ...spec, methods: m };
};

function principalSpec(r, i) {
  const k = r.next();
  if (k < 0.7) {
    const p = principal(r, i);
    return withMethods({ principals: r.chance(0.2) ? [p, `${p}-canary`] : [p] }, r, 0.3);
  }
  if (k < 0.85) return { principals: [`cluster.local/ns/${r.pick(TEAMS)}/sa/${r.pick(SERVICES)}-${i}-*`] };
  return withMethods({ namespaces: [`tenant-${i}`] }, r, 0.3);
}

function claimsSpec(r, i) {
  const groups = r.chance(0.2) ? [`grp-${i}`, `grp-${i}-admins`] : [`grp-${i}`];
  return withMethods(r.chance(0.3) ? { groups, paths: [`/${r.pick(SEGMENTS)}/*`] } : { groups }, r, 0.5);
}

function mixedSpec(r, i) {
  const k = r.next();
  if (k < 0.3) return { principals: [principal(r, i)], methods: [r.pick(METHODS)], paths: [prefixPath(r, i)] };
  if (k < 0.45) return principalSpec(r, i);
  if (k < 0.55) return { namespaces: [`tenant-${i}`], paths: [exactPath(r, i)] };
  if (k < 0.65) return withMethods({ paths: [exactPath(r, i)] }, r, 0.8);
  if (k < 0.75) return withMethods({ paths: [prefixPath(r, i)] }, r, 0.5);
  if (k < 0.85) return withMethods({ paths: [templatePath(r, i)] }, r, 0.8);
  if (k < 0.95) return { groups: [`grp-${i}`], paths: [`/${r.pick(SEGMENTS)}/${r.pick(RESOURCES)}-${i}/*`] };
  return withMethods({ paths: [suffixPath(r, i)] }, r, 0.5);
}

function pathsSpec(gen) {
  return (r, i) => withMethods({ paths: r.chance(0.2) ? [gen(r, i), gen(r, `${i}b`)] : [gen(r, i)] }, r, 0.6);
}

const SPECS = {
  exact: pathsSpec(exactPath),
  prefix: pathsSpec(prefixPath),
  suffix: pathsSpec(suffixPath),
  template: pathsSpec(templatePath),
  principal: principalSpec,
  claims: claimsSpec,
  mixed: mixedSpec,
};

/** The Istio rule of a spec. */
export function istioRule(spec) {
  const rule = {};
  const source = {};
  if (spec.principals) source.principals = spec.principals;
  if (spec.namespaces) source.namespaces = spec.namespaces;
  if (Object.keys(source).length > 0) rule.from = [{ source }];
  const operation = {};
  if (spec.methods) operation.methods = spec.methods;
  if (spec.paths) operation.paths = spec.paths;
  if (Object.keys(operation).length > 0) rule.to = [{ operation }];
  if (spec.groups) rule.when = [{ key: 'request.auth.claims[groups]', values: spec.groups }];
  return rule;
}

// --- requests --------------------------------------------------------------------------------

/** A request path that the Istio path value matches. */
function pathMatching(value, r) {
  if (value.includes('{')) return value.replaceAll('{**}', 'a/b/c').replaceAll('{*}', `id${r.int(1000)}`);
  if (value.startsWith('*')) return `/${r.pick(SEGMENTS)}/${value.startsWith('*/') ? 'x' : 'report'}${value.slice(1)}`;
  if (value.endsWith('*')) return `${value.slice(0, -1)}detail/${r.int(1000)}`;
  return value;
}

function principalMatching(spec, r) {
  if (spec.principals) {
    const p = r.pick(spec.principals);
    return p.endsWith('*') ? `${p.slice(0, -1)}blue` : p;
  }
  if (spec.namespaces) return `cluster.local/ns/${r.pick(spec.namespaces)}/sa/default`;
  return r.pick(CALLERS);
}

/**
 * An AuthzRequest that the spec's rule matches, with the fields the rule leaves open filled in.
 * `withJwt`: whether a request whose rule needs no claims carries a verified JWT anyway.
 */
export function requestMatching(spec, r, withJwt) {
  const method = spec.methods ? r.pick(spec.methods) : r.pick(METHODS);
  const path = spec.paths ? pathMatching(r.pick(spec.paths), r) : `/${r.pick(SEGMENTS)}/${r.pick(RESOURCES)}/${r.int(1000)}`;
  const groups = spec.groups ? ['staff', r.pick(spec.groups)] : ['staff'];
  return {
    method,
    path,
    host: HOST,
    headers: { host: HOST, 'user-agent': 'bench', accept: 'application/json' },
    sourceIp: '127.0.0.6',
    remoteIp: '127.0.0.6',
    sourcePort: 40000 + r.int(20000),
    destinationIp: '127.0.0.1',
    destinationPort: 8080,
    sni: '',
    peer: { principal: principalMatching(spec, r) },
    auth: spec.groups || withJwt ? { claims: { iss: 'https://idp.example.com', sub: `user-${r.int(10000)}`, groups } } : undefined,
  };
}

// --- YAML ------------------------------------------------------------------------------------

/** Block-style YAML of plain objects, lists and strings (strings double-quoted, as JSON writes them). */
function yamlLines(value, indent) {
  const pad = ' '.repeat(indent);
  const scalar = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  const isNode = (v) => typeof v === 'object' && v !== null;
  const empty = (v) => (Array.isArray(v) ? '[]' : '{}');
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isNode(item)) return [`${pad}- ${scalar(item)}`];
      const lines = yamlLines(item, indent + 2);
      if (lines.length === 0) return [`${pad}- ${empty(item)}`];
      return [`${pad}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1)];
    });
  }
  return Object.entries(value).flatMap(([key, v]) => {
    if (!isNode(v)) return [`${pad}${key}: ${scalar(v)}`];
    const lines = yamlLines(v, indent + 2);
    return lines.length === 0 ? [`${pad}${key}: ${empty(v)}`] : [`${pad}${key}:`, ...lines];
  });
}

/** The manifests as one multi-document YAML text, the way they sit in a policies directory. */
export function toYaml(manifests) {
  return manifests.map((m) => `${yamlLines(m, 0).join('\n')}\n`).join('---\n');
}

// --- the set ---------------------------------------------------------------------------------

function manifest(name, namespace, selector, action, specs) {
  const spec = {};
  if (selector) spec.selector = { matchLabels: selector };
  spec.action = action;
  spec.rules = specs.map(istioRule);
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec };
}

function placement(r) {
  if (r.chance(0.15)) return { namespace: ROOT_NAMESPACE, selector: undefined };
  const k = r.next();
  return { namespace: WORKLOAD.namespace, selector: k < 0.6 ? { app: 'orders' } : k < 0.8 ? { app: 'orders', version: 'v2' } : undefined };
}

function elsewhere(r) {
  const k = r.next();
  if (k < 0.4) return { namespace: r.pick(['billing', 'cart', 'search']), selector: undefined };
  if (k < 0.8) return { namespace: WORKLOAD.namespace, selector: { app: r.pick(['cart', 'catalog', 'payments']) } };
  return { namespace: WORKLOAD.namespace, selector: { app: 'orders', version: 'v1' } };
}

/**
 * The policy set of one shape and size:
 *  - `manifests`: every AuthorizationPolicy object, the out-of-scope ones included;
 *  - `applied`: the in-scope rules, `{ policy, action, spec }`, `size` of them;
 *  - `hits`, `misses`: REQUESTS_PER_CLASS requests each, classified by meshAuth's decision;
 *  - `probes`: more requests for checking that another engine decides alike (hits with one
 *    field changed: method, path or caller).
 */
export function policySet(shape, size, { seed = seedOf(`${shape}/${size}`) } = {}) {
  const makeSpec = SPECS[shape];
  if (makeSpec === undefined) throw new Error(`unknown shape "${shape}" (known: ${Object.keys(SPECS).join(', ')})`);
  const r = prng(seed);
  const jwtShare = shape === 'claims' ? 1 : shape === 'mixed' ? 0.5 : 0;
  const manifests = [];
  const applied = [];
  let index = 0;
  let policyCount = 0;
  const addPolicies = (rules, where, prefix) => {
    let left = rules;
    while (left > 0) {
      const count = Math.min(left, 1 + r.int(4));
      const action = policyCount > 0 && r.chance(0.12) ? 'DENY' : 'ALLOW';
      const specs = Array.from({ length: count }, () => makeSpec(r, index++));
      const { namespace, selector } = where(r);
      const name = `${prefix}-${shape}-${action.toLowerCase()}-${String(policyCount++).padStart(4, '0')}`;
      manifests.push(manifest(name, namespace, selector, action, specs));
      if (prefix === 'svc') for (const spec of specs) applied.push({ policy: `${namespace}/${name}`, action, spec });
      left -= count;
    }
  };
  addPolicies(size, placement, 'svc');
  addPolicies(Math.max(1, Math.round(size / 4)), elsewhere, 'other');

  const snapshot = compilePolicies(parsePolicies(manifests), { ...WORKLOAD, rootNamespace: ROOT_NAMESPACE });
  const ruleCount = snapshot.policies.reduce((n, p) => n + p.rules.length, 0);
  if (ruleCount !== size) throw new Error(`${shape}/${size}: ${ruleCount} rules in scope, expected ${size}`);
  const isHit = (req) => evaluatePolicies(snapshot, req).id !== undefined;

  const hits = [];
  const misses = [];
  const probes = [];
  for (let tries = 0; (hits.length < REQUESTS_PER_CLASS || misses.length < REQUESTS_PER_CLASS) && tries < 100_000; tries++) {
    // A request for a rule of the set, or for a rule of the same shape that is not in it.
    const inSet = tries % 2 === 0;
    const spec = inSet ? r.pick(applied).spec : makeSpec(r, 1_000_000 + tries);
    const req = requestMatching(spec, r, r.chance(jwtShare));
    const list = isHit(req) ? hits : misses;
    if (list.length < REQUESTS_PER_CLASS) list.push(req);
  }
  if (hits.length < REQUESTS_PER_CLASS || misses.length < REQUESTS_PER_CLASS) throw new Error(`${shape}/${size}: could not make enough hits and misses`);
  for (const req of hits) {
    const k = r.int(3);
    if (k === 0) probes.push({ ...req, method: METHODS[(METHODS.indexOf(req.method) + 1) % METHODS.length] });
    else if (k === 1) probes.push({ ...req, path: `${req.path}x` });
    else probes.push({ ...req, peer: { principal: r.pick(CALLERS) }, auth: undefined });
  }
  return {
    shape,
    size,
    seed,
    manifests,
    applied,
    policies: new Set(applied.map((a) => a.policy)).size,
    skippedPolicies: snapshot.skipped.length,
    hits,
    misses,
    probes,
  };
}
