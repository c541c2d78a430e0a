// meshAuth's AuthorizationPolicy engine on the generated policy sets (bench/lib/policy-sets.mjs):
// for each shape given on the command line (default: all) and 10, 100 and 1,000 rules,
//  - evaluatePolicies() per request, median ns over batches cycling through 64 hits and 64
//    misses interleaved ("all"), then through the hits alone and the misses alone, after 150 ms
//    of warm-up on all of them;
//  - compile time: parsePolicies() over the manifest objects (validation) + compilePolicies(),
//    and the same from the manifests as multi-document YAML text; median of 5, in ms.
// Each process also times 1e8 additions, as a reference of how fast (or how loaded) the core was.
// `node bench/micro/policy-eval.mjs [shape ...]` prints its part of the policy table;
// bench/run.mjs --policy runs it once per shape, each in its own process.
import { compilePolicies, evaluatePolicies, parsePolicies } from '@meshauth/core';
import { cycling, measureFor, shapesFromArgs, timeRuns, warmUp, withCoreShare } from '../lib/policy-measure.mjs';
import { policySet, ROOT_NAMESPACE, SHAPES, SIZES, toYaml, WORKLOAD } from '../lib/policy-sets.mjs';
import { printPolicyReport, sendPolicyResults } from '../lib/policy-suite.mjs';

const options = { ...WORKLOAD, rootNamespace: ROOT_NAMESPACE };
const results = [];

// How fast this core is right now: 1e8 additions take about 100 ms on an idle modern core.
const calibrationStart = process.hrtime.bigint();
let sum = 0;
for (let i = 0; i < 1e8; i++) sum += i;
const calibrationMs = Number(process.hrtime.bigint() - calibrationStart) / 1e6;
if (sum <= 0) throw new Error('calibration loop optimized away');

for (const { name: shape, label } of shapesFromArgs(SHAPES)) {
  for (const size of SIZES) {
    const set = policySet(shape, size);
    const yaml = toYaml(set.manifests);
    const compile = await withCoreShare(() => timeRuns(() => compilePolicies(parsePolicies(set.manifests), options)));
    const fromYaml = await withCoreShare(() => timeRuns(() => compilePolicies(parsePolicies(yaml), options)));
    const snapshot = compile.last;
    const all = set.hits.flatMap((hit, i) => [hit, set.misses[i]]);
    const evaluate = (req) => evaluatePolicies(snapshot, req);
    const name = `meshAuth ${label}, ${size} rules`;
    await warmUp(cycling(all, evaluate));
    results.push({
      engine: 'meshAuth',
      shape,
      label,
      size,
      policies: set.policies,
      skippedPolicies: set.skippedPolicies,
      calibrationMs,
      compileMs: { median: compile.median, samples: compile.samples, coreShare: compile.coreShare },
      yamlCompileMs: { median: fromYaml.median, samples: fromYaml.samples, coreShare: fromYaml.coreShare },
      yamlBytes: yaml.length,
      all: await measureFor(`${name}, all`, cycling(all, evaluate)),
      hits: await measureFor(`${name}, hits`, cycling(set.hits, evaluate)),
      misses: await measureFor(`${name}, misses`, cycling(set.misses, evaluate)),
    });
  }
}

if (process.send !== undefined) sendPolicyResults(results);
else printPolicyReport(results);
