// The comparison build of the `fastify + meshAuth (XFCC), one module per file` pair: @meshauth/core
// and @meshauth/fastify compiled file by file with tsc, as the packages were built before they
// became one module each (scripts/build-package.mjs), into packages/{core,fastify}/.per-file/, where
// their dependencies resolve as the published build's do. The adapter's import of @meshauth/core is
// pointed at the per-file core, so the process loads ~100 modules of meshAuth.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const outDir = (name) => `${ROOT}packages/${name}/.per-file/`;

function compile(name) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = `${ROOT}packages/${name}/tsconfig.build.json`;
  rmSync(outDir(name), { recursive: true, force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', project, '--outDir', outDir(name), '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`tsc -p ${project} failed`);
}

/** Builds both; the server variant `xfcc-per-file` loads packages/fastify/.per-file/index.js. */
export function buildPerFile() {
  compile('core');
  compile('fastify');
  const dir = outDir('fastify');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(`${dir}${file}`, 'utf8');
    writeFileSync(`${dir}${file}`, code.replaceAll("from '@meshauth/core'", "from '../../core/.per-file/index.js'"));
  }
}
