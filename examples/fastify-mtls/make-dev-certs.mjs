// Writes a throw-away trust domain for running the example locally:
//   <dir>/ca.pem                          dev root CA of spiffe://cluster.local (the trust bundle)
//   <dir>/server.pem, server-key.pem      the service's SVID, spiffe://cluster.local/ns/shop/sa/orders
//                                         (with DNS name localhost, so curl can check the server)
//   <dir>/client.pem, client-key.pem      a caller's SVID, spiffe://cluster.local/ns/shop/sa/frontend
// Usage: node make-dev-certs.mjs <dir>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevCa } from '@meshauth/testkit';

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: node make-dev-certs.mjs <dir>');
  process.exit(2);
}

const ca = createDevCa({ trustDomain: 'cluster.local' });
const server = ca.issueSvid({ path: '/ns/shop/sa/orders', dnsNames: ['localhost'] });
const client = ca.issueSvid({ path: '/ns/shop/sa/frontend' });

mkdirSync(dir, { recursive: true });
const files = {
  'ca.pem': ca.certPem,
  'server.pem': server.chainPem,
  'server-key.pem': server.keyPem,
  'client.pem': client.chainPem,
  'client-key.pem': client.keyPem,
};
for (const [name, pem] of Object.entries(files)) {
  writeFileSync(join(dir, name), pem, { mode: name.endsWith('-key.pem') ? 0o600 : 0o644 });
}

console.log(`wrote ${Object.keys(files).join(', ')} to ${dir}`);
console.log(`  server ${server.id}`);
console.log(`  client ${client.id}`);
