// The HTTP suite: for each pair, baseline and meshAuth servers measured in adjacent runs
// (A B A B ...), each run in a fresh server process with its own warm-up. Reported per
// configuration: medians over the rounds; per pair: the median of the per-round ratios and
// deltas, so that drift of a noisy machine between rounds cancels out as far as it can.
import { fileURLToPath } from 'node:url';
import { istioSidecarXfcc } from '@meshauth/testkit';
import { makeBenchIdentities } from './identities.mjs';
import { measureRound } from './interleaved-round.mjs';
import { buildPerFile } from './per-file-build.mjs';
import { labelOf, PAIRS, variantsOf } from './pairs.mjs';
import { formatTable, median } from './stats.mjs';

/**
 * What the load sends in XFCC mode: the header Istio's inbound sidecar writes by default, for two
 * callers taking turns on every connection. A sidecar's connection pool to the app carries
 * requests of whichever callers come in, so the header changes between requests on a connection
 * and meshAuth's per-connection cache does not hide the work of reading it.
 */
const XFCC_HEADERS = ['spiffe://cluster.local/ns/x/sa/y', 'spiffe://cluster.local/ns/x/sa/z'].map((uri) =>
  istioSidecarXfcc({ by: 'spiffe://cluster.local/ns/bench/sa/server', uri }),
);

/** autocannon's request list for XFCC mode, new for every run (autocannon writes into it). */
const xfccRequests = () => XFCC_HEADERS.map((xfcc) => ({ headers: { 'x-forwarded-client-cert': xfcc } }));

const TARGET_XFCC_MICROS = 2;
const TARGET_MTLS_RATIO = 0.95;

/** What a pair's servers need: the script, its environment, and the load to send. */
function setupOf(pair, identities) {
  const script = fileURLToPath(new URL(`../servers/${pair.server}`, import.meta.url));
  if (pair.load !== 'mtls') return { script, env: {}, load: { requests: xfccRequests } };
  const env = { BENCH_TLS_CERT: identities.server.chainPem, BENCH_TLS_KEY: identities.server.keyPem, BENCH_TLS_CA: identities.caPem };
  return { script, env, load: { scheme: 'https', clientCert: identities.client } };
}

/**
 * Measures a pair for `settings.rounds` interleaved rounds (lib/interleaved-round.mjs), printing
 * each round, and returns its summary. `variants` is [baseline, other].
 */
export async function measurePair(pair, variants, settings, { script, env, load }) {
  const runs = variants.map(() => []);
  for (let round = 1; round <= settings.rounds; round++) {
    const measured = await measureRound(script, variants, settings, env, load);
    measured.forEach((run, i) => {
      runs[i].push(run);
      const failed = run.non2xx + run.errors + run.timeouts;
      console.log(
        `  ${labelOf(pair, variants[i]).padEnd(34)} round ${round}/${settings.rounds}: ${f0(run.requestsPerSecond)} req/s, ` +
          `${f1(run.cpuMicrosPerRequest)} µs CPU/req${failed > 0 ? `, ${failed} FAILED requests` : ''}`,
      );
    });
  }
  return summarizePair(pair, runs[0], runs[1]);
}

function summarizeRuns(label, runs) {
  return {
    label,
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    latencyP50Ms: median(runs.map((r) => r.latencyP50Ms)),
    latencyP99Ms: median(runs.map((r) => r.latencyP99Ms)),
    cpuMicrosPerRequest: median(runs.map((r) => r.cpuMicrosPerRequest)),
    engineMicrosPerRequest: runs.some((r) => r.engineMicrosPerRequest === null || r.engineMicrosPerRequest === undefined)
      ? null
      : median(runs.map((r) => r.engineMicrosPerRequest)),
    failures: runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    runs,
  };
}

/**
 * A pair's report: each side's medians, and the ratio and delta of every round (the second side
 * is meshAuth, or for the JWT pairs the library it is compared with).
 */
export function summarizePair(pair, baselineRuns, otherRuns) {
  const [baselineVariant, variant] = variantsOf(pair);
  const rounds = baselineRuns.map((base, i) => ({
    requestsPerSecondRatio: otherRuns[i].requestsPerSecond / base.requestsPerSecond,
    cpuMicrosPerRequestDelta: otherRuns[i].cpuMicrosPerRequest - base.cpuMicrosPerRequest,
  }));
  return {
    framework: pair.framework,
    load: pair.load,
    baselineVariant,
    variant,
    baseline: summarizeRuns(labelOf(pair, baselineVariant), baselineRuns),
    meshAuth: summarizeRuns(labelOf(pair, variant), otherRuns),
    requestsPerSecondRatio: median(rounds.map((r) => r.requestsPerSecondRatio)),
    cpuMicrosPerRequestDelta: median(rounds.map((r) => r.cpuMicrosPerRequestDelta)),
    rounds,
  };
}

const fixed = (digits) => (n) => (n === null || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));
const f0 = fixed(0);
const f1 = fixed(1);
const f2 = fixed(2);
// autocannon's latency histogram has a resolution of 1 ms.
const ms = (n) => (n === 0 ? '<1' : f0(n));
const signed = (n) => `${n >= 0 ? '+' : ''}${f1(n)}`;

/** Runs every pair (or those whose label contains `filter`) and returns the summaries. */
export async function runHttpSuite(settings) {
  const identities = makeBenchIdentities();
  const pairs = PAIRS.filter((pair) => settings.filter === undefined || variantsOf(pair).some((v) => labelOf(pair, v).includes(settings.filter)));
  const results = [];
  if (pairs.some((pair) => pair.baseline === 'xfcc-per-file')) buildPerFile();
  for (const pair of pairs) results.push(await measurePair(pair, variantsOf(pair), settings, setupOf(pair, identities)));
  return results;
}

/** The report table and the target checks; returns false when a run had failed requests. */
export function printHttpReport(results) {
  const rows = [['config', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'in decide() µs/req', 'req/s vs base', 'CPU Δ µs/req', 'Δ per round']];
  const engine = (c) => (c.engineMicrosPerRequest === null || c.engineMicrosPerRequest === undefined ? '' : f2(c.engineMicrosPerRequest));
  for (const r of results) {
    const b = r.baseline;
    const m = r.meshAuth;
    rows.push([b.label, f0(b.requestsPerSecond), ms(b.latencyP50Ms), ms(b.latencyP99Ms), f1(b.cpuMicrosPerRequest), engine(b), '', '', '']);
    rows.push([
      m.label, f0(m.requestsPerSecond), ms(m.latencyP50Ms), ms(m.latencyP99Ms), f1(m.cpuMicrosPerRequest), engine(m),
      `${f2(r.requestsPerSecondRatio)}x`, signed(r.cpuMicrosPerRequestDelta), r.rounds.map((round) => signed(round.cpuMicrosPerRequestDelta)).join(' '),
    ]);
  }
  console.log(`\n${formatTable(rows)}\n`);
  for (const r of results) {
    if (r.baselineVariant === 'xfcc-per-file') {
      console.log(
        `info    ${r.meshAuth.label}, one module per package, over one module per file: ${signed(r.cpuMicrosPerRequestDelta)} µs CPU/req, ` +
          `${f2(r.requestsPerSecondRatio)}x req/s (what the published module layout saves a request)`,
      );
      continue;
    }
    if (r.baselineVariant === 'hook') {
      console.log(
        `info    ${r.meshAuth.label} over an empty onRequest hook: ${signed(r.cpuMicrosPerRequestDelta)} µs CPU/req, ` +
          `${f2(r.requestsPerSecondRatio)}x req/s (meshAuth's own cost above what any Fastify hook costs)`,
      );
      continue;
    }
    if (r.framework === 'fastify' && r.load === 'xfcc') {
      const met = r.cpuMicrosPerRequestDelta <= TARGET_XFCC_MICROS;
      console.log(`target  fastify XFCC identity: ${f1(r.cpuMicrosPerRequestDelta)} µs CPU/req over bare (target ≤ ${TARGET_XFCC_MICROS}): ${met ? 'met' : 'MISSED'}`);
    }
    if (r.load === 'mtls') {
      const met = r.requestsPerSecondRatio >= TARGET_MTLS_RATIO;
      console.log(`target  ${r.framework} mTLS identity: ${f2(r.requestsPerSecondRatio)}x of bare mTLS req/s (target ≥ ${TARGET_MTLS_RATIO}x): ${met ? 'met' : 'MISSED'}`);
    }
  }
  const failures = results.flatMap((r) => [r.baseline, r.meshAuth]).filter((c) => c.failures > 0);
  for (const c of failures) console.log(`error   ${c.label}: ${c.failures} requests failed (non-2xx, errors or timeouts); its figures are not comparable`);
  return failures.length === 0;
}
