// The JWT suite (`node bench/run.mjs --jwt`, also part of the default run):
//  - bench/micro/jwt-*.mjs, each in its own process on the server's core when pinned: cold
//    verification per algorithm against the crypto.verify floor and jose, the cached path, no token;
//  - the JWT pairs of bench/lib/pairs.mjs in the HTTP suite's adjacent-baseline scheme: bare
//    Fastify, then Fastify verifying the token (meshAuth's RequestAuthentication, or @fastify/jwt),
//    alternating, each run a fresh server process. Every request of the load carries the same
//    ES256 token of a testkit issuer that runs in this process (its key set is fetched once per
//    server start); the baseline gets the same requests.
// Then the tables and the target lines.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startJwtIssuer } from '@meshauth/testkit';
import { measurePair, printHttpReport } from './http-suite.mjs';
import { medianRatio, SAMPLES } from './jwt-measure.mjs';
import { runMicroFile } from './micro-suite.mjs';
import { JWT_PAIRS, labelOf, variantsOf } from './pairs.mjs';
import { formatTable } from './stats.mjs';

const MICRO_DIR = fileURLToPath(new URL('../micro/', import.meta.url));
const SERVER = (pair) => fileURLToPath(new URL(`../servers/${pair.server}`, import.meta.url));

/** The token's algorithm and claims (the issuer adds iss, iat and exp, one hour). */
const HTTP_ALG = 'ES256';
const HTTP_CLAIMS = { sub: 'user-1234567890', aud: ['orders', 'billing'], scope: 'read write admin', groups: ['a', 'b', 'c'] };

const TARGET_COLD_RATIO = 1.5;
const TARGET_CACHED_NS = 2_000;
const TARGET_HTTP_MICROS = 2;
const TARGET_HTTP_RATIO = 0.9;
/** @fastify/jwt with its cache, measured earlier against bare Fastify: a reference, not a target. */
const FASTIFY_JWT_REFERENCE_RATIO = 0.6;
/** Below this share of its core while timed, a micro figure is marked as taken under load. */
const BUSY_SHARE = 0.9;

const fixed = (digits) => (n) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));
const f1 = fixed(1);
const f2 = fixed(2);
const signed = (n) => `${n >= 0 ? '+' : ''}${f1(n)}`;
const ns = (n) => Math.round(n).toLocaleString('en-US');
const mark = (text, r) => (r.coreShare !== undefined && r.coreShare < BUSY_SHARE ? `${text} *` : text);

async function runJwtMicro({ pinned }) {
  const files = readdirSync(MICRO_DIR).filter((f) => f.startsWith('jwt-') && f.endsWith('.mjs')).sort();
  const results = [];
  for (const file of files) for (const result of await runMicroFile(file, pinned)) results.push({ file, ...result });
  return results;
}

async function runJwtHttp(settings) {
  const pairs = JWT_PAIRS.filter((pair) => settings.filter === undefined || variantsOf(pair).some((v) => labelOf(pair, v).includes(settings.filter)));
  if (pairs.length === 0) return { alg: HTTP_ALG, pairs: [] };
  const idp = await startJwtIssuer({ alg: HTTP_ALG });
  const token = idp.sign(HTTP_CLAIMS);
  const results = [];
  try {
    for (const pair of pairs) {
      const env = { BENCH_JWT_ISSUER: idp.issuer, BENCH_JWKS_URI: idp.jwksUri, BENCH_JWT_TOKEN: token };
      const load = { requests: () => [{ headers: { authorization: `Bearer ${token}` } }] };
      results.push(await measurePair(pair, variantsOf(pair), settings, { script: SERVER(pair), env, load }));
    }
  } finally {
    await idp.close();
  }
  return { alg: HTTP_ALG, tokenChars: token.length, pairs: results };
}

/** Runs the JWT micro-benchmarks, then the JWT pairs (those whose label contains `filter`). */
export async function runJwtSuite(settings) {
  const micro = await runJwtMicro(settings);
  console.log(`  micro-benchmarks: ${micro.length} figures`);
  const http = await runJwtHttp(settings);
  return { micro, http };
}

/** The micro table (with each cold figure's ratio to its floor) and the micro target lines. */
export function printJwtMicroReport(results) {
  const floorOf = (r) => results.find((f) => f.group === 'cold' && f.kind === 'floor' && f.alg === r.alg);
  const rows = [['JWT micro-benchmark', `ns/op (median of ${SAMPLES})`, 'min', 'max', '÷ floor']];
  for (const r of results) {
    const floor = r.group === 'cold' ? floorOf(r) : undefined;
    const ratio = floor === undefined ? '' : `${f2(r === floor ? 1 : medianRatio(r, floor))}x`;
    rows.push([r.name, mark(ns(r.nsPerOp), r), ns(Math.min(...r.samples)), ns(Math.max(...r.samples)), ratio]);
  }
  console.log(`\n${formatTable(rows)}\n`);
  const shares = results.map((r) => r.coreShare).filter((s) => s !== undefined);
  if (shares.length > 0) {
    const pct = (n) => `${Math.round(n * 100)}%`;
    console.log(
      `machine the JWT micro-benchmarks ran ${pct(Math.min(...shares))} to ${pct(Math.max(...shares))} of the time they were timed ` +
        `(CPU time ÷ wall time); * marks a figure taken with less than ${pct(BUSY_SHARE)}`,
    );
  }
  for (const r of results.filter((x) => x.group === 'cold' && x.kind !== 'floor')) {
    const floor = floorOf(r);
    if (floor === undefined) continue;
    const ratio = medianRatio(r, floor);
    if (r.kind === 'meshAuth') {
      console.log(
        `target  JWT cold ${r.alg}: meshAuth ${f2(ratio)}x the crypto.verify floor (${ns(r.nsPerOp)} vs ${ns(floor.nsPerOp)} ns; target ≤ ${f2(TARGET_COLD_RATIO)}x): ` +
          `${ratio <= TARGET_COLD_RATIO ? 'met' : 'MISSED'}`,
      );
    } else {
      console.log(`info    JWT cold ${r.alg}: jose jwtVerify ${f2(ratio)}x the floor (${ns(r.nsPerOp)} ns; no target)`);
    }
  }
  for (const r of results.filter((x) => x.group === 'cached')) {
    console.log(`target  JWT ${r.name}: ${mark(ns(r.nsPerOp), r)} ns (target ≤ ${ns(TARGET_CACHED_NS)}): ${r.nsPerOp <= TARGET_CACHED_NS ? 'met' : 'MISSED'}`);
  }
}

/** The JWT pairs' HTTP table and target lines; returns false when a run had failed requests. */
function printJwtHttpReport(http) {
  if (http.pairs.length === 0) return true;
  console.log(`JWT pairs: every request carries the same ${http.alg} token (${http.tokenChars} chars); for the @fastify/jwt rows the second line of a pair is @fastify/jwt, not meshAuth`);
  const ok = printHttpReport(http.pairs);
  const byVariant = (v) => http.pairs.find((p) => p.variant === v && p.baselineVariant === 'bare');
  const mesh = byVariant('jwt');
  if (mesh !== undefined) {
    const cpuMet = mesh.cpuMicrosPerRequestDelta <= TARGET_HTTP_MICROS;
    const rpsMet = mesh.requestsPerSecondRatio >= TARGET_HTTP_RATIO;
    console.log(`target  fastify + meshAuth JWT, cached token: ${signed(mesh.cpuMicrosPerRequestDelta)} µs CPU/req over bare (target ≤ ${TARGET_HTTP_MICROS}): ${cpuMet ? 'met' : 'MISSED'}`);
    console.log(`target  fastify + meshAuth JWT, cached token: ${f2(mesh.requestsPerSecondRatio)}x of bare req/s (target ≥ ${f2(TARGET_HTTP_RATIO)}x): ${rpsMet ? 'met' : 'MISSED'}`);
  }
  for (const p of http.pairs.filter((x) => x.variant !== 'jwt')) {
    const reference = p.variant === 'fastify-jwt' ? ` (measured at ${f2(FASTIFY_JWT_REFERENCE_RATIO)}x before)` : '';
    console.log(`info    ${p.meshAuth.label}: ${signed(p.cpuMicrosPerRequestDelta)} µs CPU/req, ${f2(p.requestsPerSecondRatio)}x req/s of bare fastify${reference} (no target)`);
  }
  return ok;
}

/** Everything the JWT suite measured; returns false when an HTTP run had failed requests. */
export function printJwtReport(report) {
  if (report.micro.length > 0) printJwtMicroReport(report.micro);
  return printJwtHttpReport(report.http);
}
