// A tiny micro-benchmark harness: warm up, then SAMPLES timed batches of `iterations` calls,
// each timed with process.hrtime.bigint(); the figure is the median batch's ns per call.
// Run a file directly to print its results; under bench/run.mjs they go to the parent over IPC.
import { formatTable, median } from '../lib/stats.mjs';

const ns = (n) => Math.round(n).toLocaleString('en-US');

export const SAMPLES = 5;

// Every result is stored here so the optimizer cannot drop the calls being measured.
let sink;

/** Measures `fn` and returns { name, nsPerOp, samples } (samples in ns per call). */
export function measure(name, fn, { iterations = 100_000, warmup = iterations } = {}) {
  for (let i = 0; i < warmup; i++) sink = fn();
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink = fn();
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  if (sink === undefined) throw new Error(`${name}: the measured function returned nothing`);
  return { name, iterations, nsPerOp: median(samples), samples };
}

/** Hands the results to bench/run.mjs, or prints them when the file was run on its own. */
export function report(results) {
  if (process.send !== undefined) {
    process.send({ type: 'micro', results }, () => process.disconnect());
    return;
  }
  const rows = [['benchmark', 'ns/op (median)', 'min', 'max']];
  for (const r of results) rows.push([r.name, ns(r.nsPerOp), ns(Math.min(...r.samples)), ns(Math.max(...r.samples))]);
  console.log(formatTable(rows));
}
