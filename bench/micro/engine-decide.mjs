// engine.decide() for an XFCC request from the sidecar's address. The socket is a plain object
// with the one field the engine reads for a plaintext connection.
//  - cached: the same header again on a connection (the per-connection decision cache hits);
//  - header changes: two callers alternate on one connection (every call parses and verifies);
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
const alternating = [request(socket, frontend), request(socket, worker)];
let turn = 0;

function decide(req) {
  const decision = engine.decide(req);
  if (!decision.allowed) throw new Error(`unexpected denial: ${decision.code}`);
  return decision;
}

report([
  measure('engine.decide, XFCC, cached connection', () => decide(cached), { iterations: 500_000 }),
  measure('engine.decide, XFCC, header changes', () => decide(alternating[(turn ^= 1)])),
  measure('engine.decide, XFCC, new connection', () => decide(request({ remoteAddress: '127.0.0.6' }, frontend))),
]);
