// The policy suite: bench/micro/policy-eval.mjs (meshAuth) and bench/micro/policy-casbin.mjs
// (node-casbin), each in its own process per shape (a fresh JIT and heap, on the server's core
// when pinned), then one table of both engines side by side, one of compile and load times, and
// the targets. Also the target lines of the HTTP policy pairs.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serverCommand } from './pin.mjs';
import { SHAPES, SIZES } from './policy-sets.mjs';
import { formatTable, median } from './stats.mjs';

const MICRO_DIR = fileURLToPath(new URL('../micro/', import.meta.url));
const FILES = ['policy-eval.mjs', 'policy-casbin.mjs'];

const TARGET_EVAL_NS = 2_000;
const TARGET_COMPILE_MS = 50;
const TARGET_POLICY_MICROS = 3;
const TARGET_POLICY_RATIO = 0.9;
const TARGET_SET = 'mixed';
const TARGET_SIZE = 1_000;

/** Hands a policy micro-benchmark's results to the suite over IPC. */
export function sendPolicyResults(results) {
  process.send({ type: 'policy', results }, () => process.disconnect());
}

function runFile(file, shape, pinned) {
  const [command, args] = serverCommand(pinned, `${MICRO_DIR}${file}`, [shape]);
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let results;
    child.on('message', (message) => {
      if (message.type === 'policy') results = message.results;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && results !== undefined) resolve(results);
      else reject(new Error(`bench/micro/${file} ${shape} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/**
 * Runs both engines on every shape (or those whose name or label contains `filter`); returns all
 * results, meshAuth's and casbin's.
 */
export async function runPolicySuite({ pinned, filter }) {
  const results = [];
  const shapes = SHAPES.filter(({ name, label }) => filter === undefined || name.includes(filter) || label.includes(filter));
  for (const { name, label } of shapes) {
    const started = Date.now();
    for (const file of FILES) results.push(...(await runFile(file, name, pinned)));
    console.log(`  ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return results;
}

const ns = (n) => (n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const ms = (n) => (n === undefined ? 'n/a' : n < 10 ? n.toFixed(2) : n.toFixed(1));
/** Below this share of its core while timed, a figure is marked as taken under load. */
const BUSY_SHARE = 0.9;
const mark = (text, ...measured) => (measured.some((m) => m?.coreShare !== undefined && m.coreShare < BUSY_SHARE) ? `${text} *` : text);
const ratio = (n) => (n < 10 ? `${n.toFixed(1)}x` : `${Math.round(n).toLocaleString('en-US')}x`);

/**
 * The side-by-side table, the compile/load table and the target lines, for whatever results are
 * there (one engine alone when a micro file runs on its own). Returns false when the engines
 * decided some request differently.
 */
export function printPolicyReport(results) {
  const find = (engine, shape, size) => results.find((r) => r.engine === engine && r.shape === shape && r.size === size);
  const sets = SHAPES.flatMap(({ name, label }) => SIZES.map((size) => ({ shape: name, label, size }))).filter(
    ({ shape, size }) => find('meshAuth', shape, size) || find('casbin', shape, size),
  );
  const api = results.find((r) => r.engine === 'casbin')?.api ?? 'enforceSync';

  const evalRows = [['policy set', 'rules', 'meshAuth ns/req', 'hits', 'misses', `casbin ${api} ns/req`, 'hits', 'misses', 'casbin lines', 'casbin ÷ meshAuth', 'same decision']];
  const loadRows = [['policy set', 'rules', 'policies', 'other workloads', 'meshAuth compile ms', 'from YAML ms', 'casbin load ms']];
  for (const { shape, label, size } of sets) {
    const m = find('meshAuth', shape, size);
    const c = find('casbin', shape, size);
    evalRows.push([
      label, size.toLocaleString('en-US'),
      mark(ns(m?.all.nsPerOp), m?.all), mark(ns(m?.hits.nsPerOp), m?.hits), mark(ns(m?.misses.nsPerOp), m?.misses),
      mark(ns(c?.all.nsPerOp), c?.all), mark(ns(c?.hits.nsPerOp), c?.hits), mark(ns(c?.misses.nsPerOp), c?.misses),
      c === undefined ? 'n/a' : c.lines.toLocaleString('en-US'),
      m && c ? ratio(c.all.nsPerOp / m.all.nsPerOp) : 'n/a',
      c === undefined ? 'n/a' : `${c.agreement.agreed}/${c.agreement.checked}`,
    ]);
    loadRows.push([
      label, size.toLocaleString('en-US'),
      m === undefined ? 'n/a' : String(m.policies), m === undefined ? 'n/a' : String(m.skippedPolicies),
      mark(ms(m?.compileMs.median), m?.compileMs), mark(ms(m?.yamlCompileMs.median), m?.yamlCompileMs), mark(ms(c?.loadMs.median), c?.loadMs),
    ]);
  }
  console.log(`\n${formatTable(evalRows)}\n\n${formatTable(loadRows)}\n`);
  const calibration = results.filter((r) => r.calibrationMs !== undefined).map((r) => r.calibrationMs);
  if (calibration.length > 0) {
    console.log(
      `machine 1e8 additions took ${ms(Math.min(...calibration))} to ${ms(Math.max(...calibration))} ms on the measuring core ` +
        '(once per meshAuth process; about 100 ms on an idle modern core)',
    );
  }
  const shares = results
    .flatMap((r) => [r.all, r.hits, r.misses, r.compileMs, r.yamlCompileMs, r.loadMs])
    .map((m) => m?.coreShare)
    .filter((s) => s !== undefined);
  if (shares.length > 0) {
    const pct = (n) => `${Math.round(n * 100)}%`;
    console.log(
      `machine the benchmark processes ran ${pct(Math.min(...shares))} to ${pct(Math.max(...shares))} (median ${pct(median(shares))}) of the time they were timed ` +
        `(CPU time ÷ wall time); * marks a figure taken with less than ${pct(BUSY_SHARE)}: other work took turns on the core and inflated it`,
    );
  }

  const at = results.filter((r) => r.engine === 'meshAuth' && r.size === TARGET_SIZE);
  const target = at.find((r) => r.shape === TARGET_SET);
  if (target !== undefined) {
    const met = target.all.nsPerOp <= TARGET_EVAL_NS;
    console.log(
      `target  policy evaluation, ${TARGET_SIZE.toLocaleString('en-US')} rules (${target.label}): ${mark(ns(target.all.nsPerOp), target.all)} ns median ` +
        `(target ≤ ${ns(TARGET_EVAL_NS)}): ${met ? 'met' : 'MISSED'}`,
    );
    const over = at.filter((r) => r.all.nsPerOp > TARGET_EVAL_NS).map((r) => `${r.label} ${mark(ns(r.all.nsPerOp), r.all)} ns`);
    if (over.length > 0) console.log(`note    over ${ns(TARGET_EVAL_NS)} ns at ${TARGET_SIZE.toLocaleString('en-US')} rules: ${over.join(', ')}`);
  }
  if (at.length > 0) {
    const worst = at.reduce((a, b) => (b.compileMs.median > a.compileMs.median ? b : a));
    const met = worst.compileMs.median <= TARGET_COMPILE_MS;
    console.log(
      `target  policy compile, ${TARGET_SIZE.toLocaleString('en-US')} rules, slowest set (${worst.label}): ${mark(ms(worst.compileMs.median), worst.compileMs)} ms ` +
        `(target ≤ ${TARGET_COMPILE_MS}): ${met ? 'met' : 'MISSED'}`,
    );
  }
  let ok = true;
  for (const c of results.filter((r) => r.engine === 'casbin' && r.agreement.agreed !== r.agreement.checked)) {
    ok = false;
    console.log(`error   casbin and meshAuth disagree on ${c.agreement.checked - c.agreement.agreed} of ${c.agreement.checked} requests (${c.label}, ${c.size} rules); the comparison is not valid`);
    for (const m of c.agreement.mismatches) console.log(`        ${JSON.stringify(m)}`);
  }
  return ok;
}

const f1 = (n) => n.toFixed(1);
const f2 = (n) => n.toFixed(2);
const signed = (n) => `${n >= 0 ? '+' : ''}${f1(n)}`;

/** The target lines of the HTTP policy pairs (results of bench/lib/http-suite.mjs). */
export function printPolicyHttpTargets(httpResults) {
  for (const r of httpResults.filter((p) => p.load === 'xfcc-policy' && p.baselineVariant === 'bare')) {
    const what = `${r.framework} XFCC identity + 10-rule policy`;
    if (r.framework === 'fastify') {
      const cpuMet = r.cpuMicrosPerRequestDelta <= TARGET_POLICY_MICROS;
      const rpsMet = r.requestsPerSecondRatio >= TARGET_POLICY_RATIO;
      console.log(`target  ${what}: ${signed(r.cpuMicrosPerRequestDelta)} µs CPU/req over bare (target ≤ ${TARGET_POLICY_MICROS}): ${cpuMet ? 'met' : 'MISSED'}`);
      console.log(`target  ${what}: ${f2(r.requestsPerSecondRatio)}x of bare req/s (target ≥ ${f2(TARGET_POLICY_RATIO)}x): ${rpsMet ? 'met' : 'MISSED'}`);
    } else {
      console.log(`info    ${what}: ${signed(r.cpuMicrosPerRequestDelta)} µs CPU/req, ${f2(r.requestsPerSecondRatio)}x req/s of bare ${r.framework} (no target)`);
    }
  }
}
