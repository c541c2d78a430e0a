// node-casbin on the same generated rules as bench/micro/policy-eval.mjs, modelled as in
// bench/lib/policy-casbin.mjs: for each shape (default: all) and 10, 100 and 1,000 rules,
//  - enforceSync() per request (casbin's synchronous enforce(), for matchers without async
//    functions), median ns over the same hits/misses as meshAuth after 150 ms of warm-up, each
//    request given as the tuple casbin's model takes, built before timing;
//  - load time: a new enforcer from the model text and the policy CSV (StringAdapter), median of 5;
//  - agreement: every hit, miss and probe request decided by both engines; any difference is
//    reported (and fails the run), since the timings would then compare different policies.
// Without enforceSync (older casbin) it awaits enforce() in a loop, and says so.
import { compilePolicies, evaluatePolicies, parsePolicies } from '@meshauth/core';
import { casbinCsv, casbinEnforcer, casbinLines, casbinRequest } from '../lib/policy-casbin.mjs';
import { cycling, measureFor, shapesFromArgs, timeRuns, warmUp, withCoreShare } from '../lib/policy-measure.mjs';
import { policySet, ROOT_NAMESPACE, SHAPES, SIZES, WORKLOAD } from '../lib/policy-sets.mjs';
import { printPolicyReport, sendPolicyResults } from '../lib/policy-suite.mjs';
import { median } from '../lib/stats.mjs';

const SAMPLES = 5;

/** The harness's figure for an async call: 5 timed batches of awaited calls after a warm-up. */
async function measureAwaited(name, fn, { batchMs = 20 } = {}) {
  const start = process.hrtime.bigint();
  let calls = 0;
  while (Number(process.hrtime.bigint() - start) < 10e6) {
    await fn();
    calls++;
  }
  const iterations = Math.max(5, Math.round((batchMs * 1e6 * calls) / Number(process.hrtime.bigint() - start)));
  for (let i = 0; i < iterations; i++) await fn();
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  return { name, iterations, nsPerOp: median(samples), samples };
}

const results = [];

for (const { name: shape, label } of shapesFromArgs(SHAPES)) {
  for (const size of SIZES) {
    const set = policySet(shape, size);
    const lines = casbinLines(set.applied);
    const csv = casbinCsv(lines);
    const load = await withCoreShare(() => timeRuns(() => casbinEnforcer(csv)));
    const enforcer = load.last;
    const sync = typeof enforcer.enforceSync === 'function';

    const snapshot = compilePolicies(parsePolicies(set.manifests), { ...WORKLOAD, rootNamespace: ROOT_NAMESPACE });
    const checked = [...set.hits, ...set.misses, ...set.probes];
    const mismatches = [];
    for (const req of checked) {
      const expected = evaluatePolicies(snapshot, req).allowed;
      const tuple = casbinRequest(req);
      const got = sync ? enforcer.enforceSync(...tuple) : await enforcer.enforce(...tuple);
      if (got !== expected) mismatches.push({ request: tuple, meshAuth: expected, casbin: got });
    }

    const tuples = (list) => list.map(casbinRequest);
    const all = tuples(set.hits.flatMap((hit, i) => [hit, set.misses[i]]));
    const name = `casbin ${label}, ${size} rules`;
    await warmUp(
      cycling(all, (t) => (sync ? enforcer.enforceSync(t[0], t[1], t[2], t[3], t[4]) : enforcer.enforce(t[0], t[1], t[2], t[3], t[4]))),
      { awaited: !sync },
    );
    const run = (list, what) =>
      sync
        ? measureFor(`${name}, ${what}`, cycling(list, (t) => enforcer.enforceSync(t[0], t[1], t[2], t[3], t[4])))
        : withCoreShare(() => measureAwaited(`${name}, ${what}`, cycling(list, (t) => enforcer.enforce(t[0], t[1], t[2], t[3], t[4]))));
    results.push({
      engine: 'casbin',
      api: sync ? 'enforceSync' : 'enforce (awaited)',
      shape,
      label,
      size,
      lines: lines.length,
      loadMs: { median: load.median, samples: load.samples, coreShare: load.coreShare },
      agreement: { checked: checked.length, agreed: checked.length - mismatches.length, mismatches: mismatches.slice(0, 3) },
      all: await run(all, 'all'),
      hits: await run(tuples(set.hits), 'hits'),
      misses: await run(tuples(set.misses), 'misses'),
    });
  }
}

if (process.send !== undefined) sendPolicyResults(results);
else printPolicyReport(results);
