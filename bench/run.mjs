// Runs the benchmarks: `node bench/run.mjs` (HTTP, micro, policy and JWT), `--micro` (micro only),
// `--http` (HTTP only), `--policy` (policy evaluation and compile, meshAuth and node-casbin, only),
// `--jwt` (JWT verification: micro-benchmarks and the JWT pairs, only), `--filter=<text>` (HTTP
// and JWT pairs whose label contains the text, policy sets whose name or label does). Settings
// come from BENCH_DURATION (s, default 5), BENCH_WARMUP (s, default 1) and BENCH_ROUNDS (default 2).
// Results are printed and written as JSON to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { printHttpReport, runHttpSuite } from './lib/http-suite.mjs';
import { printJwtReport, runJwtSuite } from './lib/jwt-suite.mjs';
import { printMicroReport, runMicroSuite } from './lib/micro-suite.mjs';
import { pinLoadGenerator } from './lib/pin.mjs';
import { printPolicyHttpTargets, printPolicyReport, runPolicySuite } from './lib/policy-suite.mjs';

function numberFromEnv(name, fallback, { integer = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    console.error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const args = process.argv.slice(2);
const only = ['micro', 'http', 'policy', 'jwt'].find((suite) => args.includes(`--${suite}`));
const filter = args.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
const settings = {
  duration: numberFromEnv('BENCH_DURATION', 5),
  warmup: numberFromEnv('BENCH_WARMUP', 1),
  rounds: numberFromEnv('BENCH_ROUNDS', 2, { integer: true }),
  slices: numberFromEnv('BENCH_SLICES', 5, { integer: true }),
  filter,
  pinned: pinLoadGenerator(),
};

console.log(
  `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); ` +
    (settings.pinned ? 'server on CPU 1, load generator on CPU 0' : 'not pinned (taskset unavailable)'),
);
const report = { startedAt: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, settings };
let ok = true;

if (only === undefined || only === 'http') {
  console.log(`\nHTTP: ${settings.rounds} rounds; in each, both servers warmed up ${settings.warmup} s, then ${settings.duration} s of load each in ${settings.slices} interleaved slices`);
  report.http = await runHttpSuite(settings);
  ok = printHttpReport(report.http) && ok;
  printPolicyHttpTargets(report.http);
}
if (only === undefined || only === 'micro') {
  console.log('\nmicro-benchmarks');
  report.micro = await runMicroSuite(settings);
  printMicroReport(report.micro);
}
if (only === undefined || only === 'policy') {
  console.log('\npolicy evaluation: meshAuth and node-casbin, one process per engine and shape');
  report.policy = await runPolicySuite(settings);
  ok = printPolicyReport(report.policy) && ok;
}
if (only === undefined || only === 'jwt') {
  console.log('\nJWT verification: micro-benchmarks, then Fastify bare vs meshAuth (RequestAuthentication) and @fastify/jwt');
  report.jwt = await runJwtSuite(settings);
  ok = printJwtReport(report.jwt) && ok;
}

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${report.startedAt.replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`results written to ${file}`);
process.exitCode = ok ? 0 : 1;
