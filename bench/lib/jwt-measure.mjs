// The timer of the JWT micro-benchmarks (bench/micro/jwt-*.mjs): the micro harness's figure (the
// median batch, ns per call), with 9 timed batches instead of 5 and the batches of the things
// compared interleaved (floor, meshAuth, jose, floor, ...), so that a slow spell of a shared core
// falls on all of them alike instead of on whichever ran then, and ratios are taken per round. Sync functions run in a plain loop; async ones (jose's
// jwtVerify has no sync form) are awaited one by one, as a caller would.
import { median } from './stats.mjs';

export const SAMPLES = 9;

// Every result is stored here so the optimizer cannot drop the calls being measured.
let sink;

function timeSync(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink = fn();
  return Number(process.hrtime.bigint() - start);
}

async function timeAsync(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink = await fn();
  return Number(process.hrtime.bigint() - start);
}

const timeBatch = (c, iterations) => (c.async ? timeAsync(c.fn, iterations) : timeSync(c.fn, iterations));

/** Calls for about 10 ms, then returns the batch size that takes about `batchMs`. */
async function batchSize(c, batchMs) {
  let calls = 0;
  let elapsed = 0;
  while (elapsed < 10e6 && calls < 1e6) {
    const n = calls === 0 ? 1 : Math.min(calls, 1e6 - calls);
    elapsed += await timeBatch(c, n);
    calls += n;
  }
  return Math.max(5, Math.round((batchMs * 1e6 * calls) / elapsed));
}

/**
 * Measures each of `contenders` ({ name, fn, async? } plus any fields to keep): a warm-up of about
 * `warmupMs` each, then SAMPLES rounds of one timed batch each, the starting contender rotating per round.
 * Returns, per contender, its fields plus { iterations, nsPerOp (median batch), samples (ns per
 * call, one per round), coreShare (CPU time ÷ wall time while its batches ran) }.
 */
export async function measureInterleaved(contenders, { batchMs = 20, warmupMs = 200 } = {}) {
  const runs = [];
  for (const c of contenders) {
    const iterations = await batchSize(c, batchMs);
    // Warm-up: about warmupMs of calls, so the JIT has settled before the first timed batch.
    for (let w = 0; w < Math.ceil(warmupMs / batchMs); w++) await timeBatch(c, iterations);
    runs.push({ c, iterations, samples: [], cpuMicros: 0, wallNs: 0 });
  }
  for (let s = 0; s < SAMPLES; s++) {
    for (let k = 0; k < runs.length; k++) {
      const run = runs[(s + k) % runs.length];
      const cpu = process.cpuUsage();
      const ns = await timeBatch(run.c, run.iterations);
      const used = process.cpuUsage(cpu);
      run.cpuMicros += used.user + used.system;
      run.wallNs += ns;
      run.samples.push(ns / run.iterations);
    }
  }
  if (sink === undefined) throw new Error('the measured functions returned nothing');
  return runs.map(({ c, iterations, samples, cpuMicros, wallNs }) => {
    const { fn: _fn, async: _async, ...fields } = c;
    return { ...fields, iterations, nsPerOp: median(samples), samples, coreShare: (cpuMicros * 1000) / wallNs };
  });
}

/** The median over rounds of a's batch ÷ b's batch of the same round (both from one measureInterleaved call). */
export function medianRatio(a, b) {
  return median(a.samples.map((ns, i) => ns / b.samples[i]));
}
