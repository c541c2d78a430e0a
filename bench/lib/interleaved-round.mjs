// One round of a pair: the baseline and the other server run side by side (both pinned to the
// server core, one idle while the other takes load), each warmed up, then measured in short
// slices that take turns (A B, B A, A B, ...). Slices a second apart see the same machine, so the
// slow swings of a shared host (2x in requests/s over tens of seconds) fall on both sides alike;
// fresh processes every round still sample each server's own start-up luck (JIT, heap layout).
import { runLoad } from './load.mjs';
import { startServer } from './server-child.mjs';
import { median } from './stats.mjs';

/** Adds one slice's figures to a side's totals. */
function add(totals, load, stats) {
  totals.served += stats.served;
  totals.cpuMicros += stats.cpuMicros;
  totals.elapsedMs += stats.elapsedMs;
  totals.requests += load.requests;
  totals.requestsPerSecond.push(load.requestsPerSecond);
  totals.latencyP50Ms.push(load.latencyP50Ms);
  totals.latencyP99Ms.push(load.latencyP99Ms);
  totals.non2xx += load.non2xx;
  totals.errors += load.errors;
  totals.timeouts += load.timeouts;
}

const emptyTotals = () => ({
  served: 0, cpuMicros: 0, elapsedMs: 0, requests: 0, requestsPerSecond: [], latencyP50Ms: [], latencyP99Ms: [], non2xx: 0, errors: 0, timeouts: 0,
});

/**
 * A side's slices as one run: CPU per request over all its slices, the median slice for the rest;
 * the time in decide() per request from the timed slice after them, the one run with the timer.
 */
function asRun(totals, slices, timed) {
  return {
    requestsPerSecond: median(totals.requestsPerSecond),
    requests: totals.requests,
    latencyP50Ms: median(totals.latencyP50Ms),
    latencyP99Ms: median(totals.latencyP99Ms),
    non2xx: totals.non2xx,
    errors: totals.errors,
    timeouts: totals.timeouts,
    slices,
    server: { served: totals.served, cpuMicros: totals.cpuMicros, elapsedMs: totals.elapsedMs },
    cpuMicrosPerRequest: totals.served === 0 ? null : totals.cpuMicros / totals.served,
    engineMicrosPerRequest: timed.engineMicros === null || timed.served === 0 ? null : timed.engineMicros / timed.served,
  };
}

/**
 * Measures `variants` ([baseline, other]) of `script` in one interleaved round and returns one run
 * per variant. `settings.duration` seconds of load per side, in `settings.slices` slices, after
 * `settings.warmup` seconds each. `load` is `{ scheme?, requests?, clientCert? }` (see runLoad).
 */
export async function measureRound(script, variants, settings, env, load) {
  const servers = [];
  try {
    for (const variant of variants) servers.push(await startServer(script, variant, { pinned: settings.pinned, env }));
    // A new request list for every load: autocannon writes into it.
    const loadOn = (server, duration) =>
      runLoad({ url: `${load.scheme ?? 'http'}://127.0.0.1:${server.port}/`, duration, requests: load.requests?.(), clientCert: load.clientCert });
    for (const server of servers) await loadOn(server, settings.warmup);
    const totals = variants.map(emptyTotals);
    const slices = Math.max(1, settings.slices);
    const seconds = settings.duration / slices;
    for (let slice = 0; slice < slices; slice++) {
      for (const side of slice % 2 === 0 ? [0, 1] : [1, 0]) {
        await servers[side].start();
        const result = await loadOn(servers[side], seconds);
        add(totals[side], result, await servers[side].stop());
      }
    }
    // One more slice per side, warm and steady, with decide() timed: the compared slices carry no timer.
    const timed = [];
    for (const server of servers) {
      await server.start({ timeDecide: true });
      await loadOn(server, seconds);
      timed.push(await server.stop());
    }
    return totals.map((t, side) => asRun(t, slices, timed[side]));
  } finally {
    for (const server of servers) await server.close();
  }
}
