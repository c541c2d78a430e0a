// parseXfcc on the header Istio's sidecar writes by default, and on a four-element header
// (a request that crossed three proxies before the app's own sidecar).
import { parseXfcc } from '@meshauth/core';
import { buildXfcc, istioSidecarXfcc } from '@meshauth/testkit';
import { measure, report } from './harness.mjs';

const sidecar = istioSidecarXfcc({
  by: 'spiffe://cluster.local/ns/shop/sa/orders',
  uri: 'spiffe://cluster.local/ns/shop/sa/frontend',
});
const hops = ['ingress', 'gateway', 'frontend', 'orders'];
const fourElements = buildXfcc(
  hops.map((to, i) => ({
    by: [`spiffe://cluster.local/ns/shop/sa/${to}`],
    hash: 'a'.repeat(64),
    subject: '',
    uri: [`spiffe://cluster.local/ns/shop/sa/${i === 0 ? 'client' : hops[i - 1]}`],
  })),
);

report([
  measure(`parseXfcc, Istio default (${sidecar.length} B)`, () => parseXfcc(sidecar)),
  measure(`parseXfcc, 4 elements (${fourElements.length} B)`, () => parseXfcc(fourElements), { iterations: 50_000 }),
]);
