// engine.decide() for an XFCC request from the sidecar's address. The socket is a plain object
// with the one field the engine reads for a plaintext connection.
//  - cached: the same header again on a connection (the per-connection decision cache hits);
//  - header changes: two callers alternate on one connection, each header a fresh string as the
//    HTTP parser makes it (found among the connection's last few headers);
//  - header never seen: a new caller on every call (every call parses and verifies);
//  - new connection: every request on a fresh socket (connection facts are computed too).
import { createMeshAuth } from '@meshauth/core';
import { istioSidecarXfcc } from '@meshauth/testkit';
import { measure, report } from './harness.mjs';

const engine = createMeshAuth({ mode: 'xfcc', requirePeer: true });
const by = 'spiffe://cluster.local/ns/shop/sa/orders';
const frontend = istioSidecarXfcc({ by, uri: 'spiffe://cluster.local/ns/shop/sa/frontend' });
const worker = istioSidecarXfcc({ by, uri: 'spiffe://cluster.local/ns/billing/sa/worker' });

const request = (socket, header) => ({ method: 'GET', url: '/orders', headers: { 'x-forwarded-client-cert': header }, socket });

const socket = { remoteAddress: '127.0.0.6' };
const cached = request(socket, frontend);

// Strings decoded from bytes, like the parser's: a new string has no hash yet, and looking it up
// computes one, as on a real request. One per call of the run (warm-up and batches).
const ALTERNATING_CALLS = 300_000;
const fresh = Array.from({ length: ALTERNATING_CALLS }, (_, i) => request(socket, Buffer.from(i % 2 === 0 ? frontend : worker).toString('latin1')));
let next = 0;

// A caller never seen before on every call.
const unseen = Array.from({ length: 30_000 }, (_, i) => request(socket, istioSidecarXfcc({ by, uri: `spiffe://cluster.local/ns/shop/sa/caller-${i}` })));
let nextUnseen = 0;

function decide(req) {
  const decision = engine.decide(req);
  if (!decision.allowed) throw new Error(`unexpected denial: ${decision.code}`);
  return decision;
}

report([
  measure('engine.decide, XFCC, cached connection', () => decide(cached), { iterations: 500_000 }),
  measure('engine.decide, XFCC, header changes', () => decide(fresh[next++]), { iterations: ALTERNATING_CALLS / 6 }),
  measure('engine.decide, XFCC, header never seen', () => decide(unseen[nextUnseen++]), { iterations: 5_000 }),
  measure('engine.decide, XFCC, new connection', () => decide(request({ remoteAddress: '127.0.0.6' }, frontend))),
]);
