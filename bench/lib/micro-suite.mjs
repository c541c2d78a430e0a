// The micro suite: each bench/micro/*.mjs file in its own process (a fresh JIT and heap per
// file), on the server's core when pinned, its results sent back over IPC.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serverCommand } from './pin.mjs';
import { formatTable } from './stats.mjs';

const ns = (n) => Math.round(n).toLocaleString('en-US');

const MICRO_DIR = fileURLToPath(new URL('../micro/', import.meta.url));

/** Runs bench/micro/<file> in its own process; resolves with the results it sends over IPC. */
export function runMicroFile(file, pinned) {
  const [command, args] = serverCommand(pinned, `${MICRO_DIR}${file}`, []);
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let results;
    child.on('message', (message) => {
      if (message.type === 'micro') results = message.results;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && results !== undefined) resolve(results);
      else reject(new Error(`bench/micro/${file} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Runs every micro-benchmark file and returns all their results, in file order. */
export async function runMicroSuite({ pinned }) {
  // policy-*.mjs belong to the policy suite (bench/lib/policy-suite.mjs), jwt-*.mjs to the JWT
  // suite (bench/lib/jwt-suite.mjs).
  const files = readdirSync(MICRO_DIR)
    .filter((f) => f.endsWith('.mjs') && f !== 'harness.mjs' && !f.startsWith('policy-') && !f.startsWith('jwt-'))
    .sort();
  const results = [];
  for (const file of files) {
    for (const result of await runMicroFile(file, pinned)) results.push({ file, ...result });
  }
  return results;
}

export function printMicroReport(results) {
  const rows = [['micro-benchmark', 'ns/op (median of 5)', 'min', 'max', 'ops/s']];
  for (const r of results) {
    rows.push([r.name, ns(r.nsPerOp), ns(Math.min(...r.samples)), ns(Math.max(...r.samples)), Math.round(1e9 / r.nsPerOp).toLocaleString('en-US')]);
  }
  console.log(`\n${formatTable(rows)}\n`);
}
