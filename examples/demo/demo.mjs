// meshauth in a few seconds, with no cluster: a dev CA, one service, six callers, and who the
// service saw each of them as. Exits 0 when every outcome is the expected one.
import { createDevCa } from '@meshauth/testkit';
import { callers, FRONTEND_ID, SERVICE_ID } from './callers.mjs';
import { SIDECAR_ADDRESS, startService } from './service.mjs';

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

async function call(caller, service) {
  try {
    const res = await caller.send(service);
    const body = JSON.parse(res.body);
    return { status: res.status, seenAs: body.caller, source: body.source, code: body.code };
  } catch (err) {
    if (err.code === 'EADDRNOTAVAIL') {
      return { error: `cannot send from ${SIDECAR_ADDRESS} here (on macOS: sudo ifconfig lo0 alias ${SIDECAR_ADDRESS})` };
    }
    return { error: err.message };
  }
}

function asExpected({ expect }, outcome) {
  if (outcome.status !== expect.status) return false;
  return expect.seenAs !== undefined ? outcome.seenAs === expect.seenAs : outcome.code === expect.code;
}

// A dev CA for trust domain cluster.local, the service's SVID and one client's SVID.
const ca = createDevCa({ trustDomain: 'cluster.local' });
const serverSvid = ca.issueSvid({ id: SERVICE_ID });
const frontendSvid = ca.issueSvid({ id: FRONTEND_ID });

const service = await startService({ caPem: ca.certPem, serverSvid });
console.log(`service ${SERVICE_ID}, meshAuth mode 'auto', requirePeer, trustedProxies ['${SIDECAR_ADDRESS}']`);
console.log(`  ${service.mtlsUrl}  mTLS listener (client certificates from the cluster.local dev CA)`);
console.log(`  ${service.plainUrl}  plaintext listener, as the app behind an Istio sidecar\n`);

const rows = [['#', 'caller', 'connected', 'HTTP', 'service saw it as', 'check']];
const notes = [];
let failures = 0;
try {
  for (const [i, caller] of callers({ caPem: ca.certPem, frontendSvid }).entries()) {
    const outcome = await call(caller, service);
    const ok = outcome.error === undefined && asExpected(caller, outcome);
    if (!ok) failures++;
    const saw = outcome.error ?? (outcome.seenAs !== undefined ? `${outcome.seenAs} (${outcome.source})` : `refused: ${outcome.code}`);
    rows.push([String(i + 1), caller.caller, caller.via, String(outcome.status ?? '-'), saw, ok ? 'as expected' : 'UNEXPECTED']);
    notes.push(`${i + 1}. The service ${caller.note}`);
  }
} finally {
  await service.close();
}

console.log(table(rows));
console.log(`\n${notes.join('\n')}\n`);
if (failures === 0) {
  console.log('Every outcome is the expected one.');
} else {
  console.log(`${failures} outcome(s) differ from what was expected.`);
  process.exitCode = 1;
}
