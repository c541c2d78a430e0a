// Helpers of the policy micro-benchmarks (bench/micro/policy-*.mjs): the micro harness with a
// batch size chosen per benchmark (an evaluation over 1,000 casbin lines takes thousands of
// times longer than one over 10 indexed rules), a warm-up, a timer for one-off operations, and
// the share of its core a process had while it was timed.
import { measure } from '../micro/harness.mjs';
import { median } from './stats.mjs';

/**
 * The share of wall time this process spent on a CPU while `run` ran (process CPU time ÷ elapsed
 * time): about 1 when it had its core to itself, less when other work took turns on it. Added to
 * `run`'s result as `coreShare`.
 */
export async function withCoreShare(run) {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = await run();
  const cpu = process.cpuUsage(cpuStart);
  return { ...result, coreShare: ((cpu.user + cpu.system) * 1000) / Number(process.hrtime.bigint() - start) };
}

/** Batches of about `batchMs` each: the harness's warm-up, then its 5 timed batches. */
export function measureFor(name, fn, options) {
  return withCoreShare(() => measureSized(name, fn, options));
}

function measureSized(name, fn, { batchMs = 20, minIterations = 5 } = {}) {
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 10e6 && calls < 1e6) {
    fn();
    calls++;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  const iterations = Math.max(minIterations, Math.round((batchMs * 1e6 * calls) / elapsed));
  return measure(name, fn, { iterations, warmup: iterations });
}

/**
 * Calls `fn` for about `ms` milliseconds (awaiting it when `awaited`), so that the first figure of
 * a set is not taken while the JIT is still compiling what the later ones reuse.
 */
export async function warmUp(fn, { ms = 150, awaited = false } = {}) {
  const end = process.hrtime.bigint() + BigInt(ms * 1e6);
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 8; i++) {
      if (awaited) await fn();
      else fn();
    }
  }
}

/** Runs `fn` (sync or async) `times` times, each timed on its own; milliseconds, median and all. */
export async function timeRuns(fn, times = 5) {
  const samples = [];
  let last;
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    last = await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { median: median(samples), samples, last };
}

/** Cycles through `list` (its length a power of two) on every call. */
export function cycling(list, call) {
  const mask = list.length - 1;
  if ((list.length & mask) !== 0) throw new Error('the list length must be a power of two');
  let k = 0;
  return () => call(list[(k = (k + 1) & mask)]);
}

/** Shapes named on the command line, else all of them. */
export function shapesFromArgs(shapes) {
  const names = process.argv.slice(2);
  if (names.length === 0) return shapes;
  return names.map((n) => {
    const shape = shapes.find((s) => s.name === n);
    if (shape === undefined) {
      console.error(`unknown shape "${n}" (known: ${shapes.map((s) => s.name).join(', ')})`);
      process.exit(2);
    }
    return shape;
  });
}
