/**
 * Micro-benchmark of compilation and evaluation for 10, 100 and 1,000 rules of mixed shapes.
 * Not a jest test. Run:
 *   npx tsc --outDir /tmp/pb --rootDir packages/core --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node packages/core/test/policy/perf/bench.ts
 *   ln -sfn "$PWD/packages/core/node_modules" /tmp/pb/node_modules && node /tmp/pb/test/policy/perf/bench.js
 */
import { compilePolicies, evaluatePolicies, parsePolicies, type AuthorizationPolicy, type AuthzRequest, type PolicyRule } from '../../../src/policy/index.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

function ruleShape(i: number): PolicyRule {
  const sa = `cluster.local/ns/ns${i % 50}/sa/sa${i}`;
  switch (i % 8) {
    case 0:
      return { from: [{ source: { principals: [sa] } }], to: [{ operation: { methods: [METHODS[i % 4] as string] } }] };
    case 1:
      return { from: [{ source: { namespaces: [`ns${i % 50}`] } }], to: [{ operation: { paths: [`/svc${i}/*`] } }] };
    case 2:
      return { to: [{ operation: { methods: ['GET'], paths: [`/api${i}/{*}/items`] } }] };
    case 3:
      return { to: [{ operation: { paths: [`/r${i}/x`] } }], when: [{ key: 'request.headers[x-tenant]', values: [`t${i}`] }] };
    case 4:
      return { from: [{ source: { principals: [sa, `${sa}-b`] } }], when: [{ key: 'request.auth.claims[groups]', values: [`g${i}`] }] };
    case 5:
      return { to: [{ operation: { methods: [METHODS[i % 4] as string], notPaths: [`/p${i}*`] } }], from: [{ source: { principals: [sa] } }] };
    case 6:
      return { from: [{ source: { ipBlocks: [`10.${i % 250}.0.0/16`], principals: [sa] } }] };
    default:
      return { from: [{ source: { requestPrincipals: [`https://idp/u${i}`] } }], to: [{ operation: { paths: [`/j${i}/*`] } }] };
  }
}

function policies(n: number): AuthorizationPolicy[] {
  const out: AuthorizationPolicy[] = [];
  const perPolicy = 5;
  for (let p = 0; p * perPolicy < n; p++) {
    const rules: PolicyRule[] = [];
    for (let r = 0; r < perPolicy && p * perPolicy + r < n; r++) rules.push(ruleShape(p * perPolicy + r));
    out.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: `p${p}`, namespace: 'shop' },
      spec: { action: p % 5 === 0 ? 'DENY' : 'ALLOW', rules },
    });
  }
  return out;
}

function requests(n: number, count: number): AuthzRequest[] {
  const out: AuthzRequest[] = [];
  for (let k = 0; k < count; k++) {
    const i = (k * 7919) % Math.max(n, 1);
    out.push({
      method: METHODS[k % 4] as string,
      path: k % 3 === 0 ? `/svc${i}/a` : k % 3 === 1 ? `/api${i}/7/items` : `/other/${k}`,
      host: 'orders.shop.svc',
      headers: { 'x-tenant': `t${i}`, accept: '*/*' },
      sourceIp: `10.${i % 250}.1.2`,
      destinationPort: 8080,
      peer: k % 5 === 4 ? undefined : { principal: `cluster.local/ns/ns${i % 50}/sa/sa${i}` },
      auth: k % 2 === 0 ? { claims: { iss: 'https://idp', sub: `u${i}`, groups: [`g${i}`] } } : undefined,
    });
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

// Machine speed reference: the same loop takes ~0.3 s on an idle modern core.
const t0 = performance.now();
let acc = 0;
for (let i = 0; i < 3e8; i++) acc += i;
console.log(`calibration: 3e8 additions in ${(performance.now() - t0).toFixed(0)} ms (${acc > 0 ? 'ok' : ''})`);

for (const n of [10, 100, 1000]) {
  const raw = policies(n);
  const parseStart = performance.now();
  // The loader's output, as in production: compilation then skips re-validation.
  const ps = parsePolicies(raw.map((p) => ({ ...p })));
  const parseMs = performance.now() - parseStart;
  const rawCompile = performance.now();
  compilePolicies(raw, { namespace: 'shop' });
  const rawMs = performance.now() - rawCompile;
  const compileTimes: number[] = [];
  let snapshot = compilePolicies(ps, { namespace: 'shop' });
  for (let i = 0; i < 10; i++) {
    const t0 = process.hrtime.bigint();
    snapshot = compilePolicies(ps, { namespace: 'shop' });
    compileTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const reqs = requests(n, 1024);
  let allowed = 0;
  for (let w = 0; w < 200_000; w++) if (evaluatePolicies(snapshot, reqs[w & 1023] as AuthzRequest).allowed) allowed++;
  const perCall: number[] = [];
  for (let b = 0; b < 2000; b++) {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < 64; j++) if (evaluatePolicies(snapshot, reqs[(b * 64 + j) & 1023] as AuthzRequest).allowed) allowed++;
    perCall.push(Number(process.hrtime.bigint() - t0) / 64);
  }
  const worst: number[] = [];
  for (const r of reqs) {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < 200; j++) evaluatePolicies(snapshot, r);
    worst.push(Number(process.hrtime.bigint() - t0) / 200);
  }
  console.log(
    `${String(n).padStart(5)} rules: parse+validate ${parseMs.toFixed(1)} ms, compile median ${median(compileTimes).toFixed(2)} ms ` +
      `(hand-made objects, validated in compile: ${rawMs.toFixed(1)} ms); ` +
      `evaluate median ${median(perCall).toFixed(0)} ns/request (batches of 64 mixed requests), ` +
      `per-request median ${median(worst).toFixed(0)} ns, p99 ${[...worst].sort((a, b) => a - b)[Math.floor(worst.length * 0.99)]?.toFixed(0)} ns (allowed ${allowed})`,
  );
}
