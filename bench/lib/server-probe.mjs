// The server side of a benchmark run. A server child calls `probe(server)` once it listens; the
// parent then drives it over IPC:
//   parent -> { type: 'start', timeDecide }   reset the request count, read process.cpuUsage();
//                                            with timeDecide, also time the engine's decide()
//   parent -> { type: 'stop' }    child answers { type: 'stats', served, cpuMicros, ... }
// The child exits when the parent disconnects (also when the parent dies).

/**
 * Reports the port to the parent and measures CPU time per request between start and stop. With
 * `engine` (a meshAuth engine) and `timeDecide`, also the wall time spent in its `decide()` per
 * request: meshAuth's own work, free of what the framework around it costs (two clock reads per
 * request included). The timer is in place only for such a run (a slice of its own after the
 * measured ones), so the runs whose CPU time is compared carry none of its cost.
 */
export function probe(server, { engine } = {}) {
  let served = 0;
  let cpuAtStart;
  let timeAtStart;
  let engineNanos = 0n;
  let timing = false;
  const decide = engine?.decide;
  const timedDecide = (request, context) => {
    const start = process.hrtime.bigint();
    const decision = decide.call(engine, request, context);
    engineNanos += process.hrtime.bigint() - start;
    return decision;
  };
  server.on('request', () => {
    served++;
  });
  process.on('message', (message) => {
    if (message.type === 'start') {
      served = 0;
      engineNanos = 0n;
      timing = engine !== undefined && message.timeDecide === true;
      if (engine !== undefined) engine.decide = timing ? timedDecide : decide;
      cpuAtStart = process.cpuUsage();
      timeAtStart = process.hrtime.bigint();
      process.send({ type: 'started' });
    } else if (message.type === 'stop') {
      const cpu = process.cpuUsage(cpuAtStart);
      const elapsedMs = Number(process.hrtime.bigint() - timeAtStart) / 1e6;
      const cpuMicros = cpu.user + cpu.system;
      process.send({
        type: 'stats',
        served,
        elapsedMs,
        cpuMicros,
        userMicros: cpu.user,
        systemMicros: cpu.system,
        cpuMicrosPerRequest: served === 0 ? null : cpuMicros / served,
        engineMicros: timing ? Number(engineNanos) / 1000 : null,
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'listening', port: server.address().port });
}

/** The variant a server was started as (`bare`, `xfcc`, `mtls-bare`, `mtls`), from argv. */
export function variantArg(supported) {
  const variant = process.argv[2];
  if (!supported.includes(variant)) {
    console.error(`usage: node ${process.argv[1]} <${supported.join('|')}>`);
    process.exit(2);
  }
  return variant;
}

/** Server TLS options for the mTLS variants, from the PEMs the parent passes in the environment. */
export function mtlsOptions() {
  const { BENCH_TLS_CERT: cert, BENCH_TLS_KEY: key, BENCH_TLS_CA: ca } = process.env;
  if (!cert || !key || !ca) throw new Error('BENCH_TLS_CERT, BENCH_TLS_KEY and BENCH_TLS_CA must be set for an mTLS variant');
  // The handshake asks for a client certificate; meshAuth (or nothing, for the baseline) judges it.
  return { cert, key, ca, requestCert: true, rejectUnauthorized: false };
}

/** meshAuth options for a variant: XFCC behind a sidecar, or the TLS client certificate. */
export function meshAuthOptions(variant) {
  if (variant === 'xfcc') return { mode: 'xfcc', requirePeer: true };
  return { mode: 'tls', trustBundles: { 'cluster.local': process.env.BENCH_TLS_CA }, requirePeer: true };
}
