// The load generator: autocannon, in this process, with 10 keep-alive connections and no
// pipelining. For https targets the client certificate goes through autocannon's `tlsOptions`,
// which it passes to tls.connect (it always sets rejectUnauthorized: false itself).
import autocannon from 'autocannon';

export const CONNECTIONS = 10;

/**
 * Runs one load of `duration` seconds and returns the figures the report uses. `requests`, when
 * given, is autocannon's list of requests that each connection sends in turn.
 */
export async function runLoad({ url, duration, requests, clientCert }) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration,
    requests,
    tlsOptions: clientCert === undefined ? undefined : { cert: clientCert.chainPem, key: clientCert.keyPem },
  });
  return {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
