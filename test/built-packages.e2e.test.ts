/**
 * The runtime packages as they are published: each entry (package.json `exports`) is one ES
 * module that imports only Node built-ins and the package's declared dependencies, and each
 * adapter, loaded from that build in a separate Node process, serves identities, policies and
 * refusals. The root `test` script builds every package before jest starts.
 *
 * One module per package is a measured choice (bench/README.md, "One module per package"): the
 * same code as ~100 modules took twice as long to import.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUNTIME_PACKAGES = ['core', 'express', 'fastify', 'koa'] as const;

interface Manifest {
  exports: { '.': { import: string; types: string } };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const manifestOf = (name: string): Manifest => JSON.parse(readFileSync(`${ROOT}packages/${name}/package.json`, 'utf8')) as Manifest;

/** Every module specifier the file imports or re-exports from, statically or dynamically. */
function specifiersOf(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)) {
    found.add(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return [...found];
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe.each(RUNTIME_PACKAGES)('the built @meshauth/%s', (name) => {
  const manifest = manifestOf(name);
  const entry = `${ROOT}packages/${name}/${manifest.exports['.'].import}`;
  const code = readFileSync(entry, 'utf8');

  it('is one module: no import of a file of its own', () => {
    expect(manifest.exports['.'].import).toBe('./dist/index.js');
    expect(specifiersOf(code).filter((s) => s.startsWith('.') || s.startsWith('/'))).toEqual([]);
  });

  it('imports only Node built-ins and its declared dependencies', () => {
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const external = specifiersOf(code).filter((s) => !s.startsWith('node:'));
    expect(external.map(packageOf).filter((p) => !declared.has(p))).toEqual([]);
    // The check sees imports at all: the bundle does import what it depends on.
    expect(specifiersOf(code).length).toBeGreaterThan(0);
  });
});

describe.each(['express', 'fastify', 'koa'])('@meshauth/%s from its build, in its own process', (framework) => {
  it('gives handlers the caller, enforces a DENY policy and refuses a request without identity', () => {
    const run = spawnSync(process.execPath, [`${ROOT}test/support/built-adapter.mjs`, framework], { cwd: `${ROOT}test`, encoding: 'utf8', timeout: 15_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const results = JSON.parse(run.stdout) as Record<string, { status: number; body: string }>;
    expect(results.whoami).toEqual({ status: 200, body: JSON.stringify({ id: 'spiffe://cluster.local/ns/shop/sa/frontend' }) });
    // Envoy's RBAC filter answers a denial with this body (reference/authorization-policy.md).
    expect(results.admin).toEqual({ status: 403, body: 'RBAC: access denied' });
    expect(results.anonymous?.status).toBe(401);
    expect(JSON.parse(results.anonymous?.body ?? '{}')).toMatchObject({ code: 'PEER_REQUIRED' });
  });
});
