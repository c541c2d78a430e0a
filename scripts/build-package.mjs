// Builds the package in the current directory: type declarations with tsc, and the code as one
// ES module, dist/index.js, with esbuild.
//
// Why one module: importing @meshauth/fastify took about 105 ms as ~100 separate ES modules and
// about 50 ms as one module per package; per request the difference depended on the process
// (bench/README.md, "One module per package"). Dependencies stay external (`packages:
// 'external'`): the bundle holds this package's own code only and resolves its dependencies as
// before.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const types = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
if (types.status !== 0) process.exit(types.status ?? 1);

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
