// The callers of the demo, what each sends and what the service must make of it.
import { istioSidecarXfcc, sendRequest } from '@meshauth/testkit';
import { SIDECAR_ADDRESS } from './service.mjs';

export const SERVICE_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
export const FRONTEND_ID = 'spiffe://cluster.local/ns/shop/sa/frontend';
export const WORKER_ID = 'spiffe://cluster.local/ns/billing/sa/worker';
export const ADMIN_ID = 'spiffe://cluster.local/ns/shop/sa/admin';

const XFCC = 'x-forwarded-client-cert';

/** `identities`: the CA's root PEM and the frontend's SVID. Each caller sends one request. */
export function callers({ caPem, frontendSvid }) {
  return [
    {
      caller: FRONTEND_ID,
      via: 'mTLS, its own SVID',
      send: (service) => sendRequest(`${service.mtlsUrl}/whoami`, { identity: frontendSvid, ca: [caPem] }),
      expect: { status: 200, seenAs: FRONTEND_ID },
      note: 'verified its X.509-SVID against the cluster.local trust bundle, once per connection.',
    },
    {
      caller: WORKER_ID,
      via: `XFCC from sidecar ${SIDECAR_ADDRESS}`,
      send: (service) =>
        sendRequest(`${service.plainUrl}/whoami`, {
          localAddress: SIDECAR_ADDRESS,
          headers: { [XFCC]: istioSidecarXfcc({ by: SERVICE_ID, uri: WORKER_ID }) },
        }),
      expect: { status: 200, seenAs: WORKER_ID },
      note: 'believed the header because the connection came from the sidecar address.',
    },
    {
      caller: `spoofer claiming .../sa/admin`,
      via: 'XFCC from 127.0.0.1 (untrusted)',
      send: (service) =>
        sendRequest(`${service.plainUrl}/whoami`, {
          localAddress: '127.0.0.1',
          headers: { [XFCC]: istioSidecarXfcc({ by: SERVICE_ID, uri: ADMIN_ID }) },
        }),
      expect: { status: 401, code: 'PEER_REQUIRED' },
      note:
        `ignored a header that claimed ${ADMIN_ID} but did not come from ${SIDECAR_ADDRESS}. ` +
        'In a pod, this is a caller that bypassed the sidecar and reached the app port directly: ' +
        'with no verified identity left, requirePeer refuses it.',
    },
    {
      caller: 'sidecar with a broken header',
      via: `XFCC from sidecar ${SIDECAR_ADDRESS}`,
      send: (service) =>
        sendRequest(`${service.plainUrl}/whoami`, {
          localAddress: SIDECAR_ADDRESS,
          // The quote never closes: the header as a whole is refused, nothing is guessed from it.
          headers: { [XFCC]: `By=${SERVICE_ID};Subject="";URI="${FRONTEND_ID}` },
        }),
      expect: { status: 400, code: 'XFCC_MALFORMED' },
      note: 'refused a header from the trusted hop that does not parse, rather than guess a caller from it.',
    },
    {
      caller: FRONTEND_ID,
      via: 'mTLS, POST /orders/7/refund',
      send: (service) => sendRequest(`${service.mtlsUrl}/orders/7/refund`, { method: 'POST', identity: frontendSvid, ca: [caPem] }),
      expect: { status: 403, code: 'ACCESS_DENIED' },
      note: 'knew the caller, and its AuthorizationPolicy lets only the billing namespace refund orders.',
    },
    {
      caller: WORKER_ID,
      via: `XFCC from sidecar, POST /orders/7/refund`,
      send: (service) =>
        sendRequest(`${service.plainUrl}/orders/7/refund`, {
          method: 'POST',
          localAddress: SIDECAR_ADDRESS,
          headers: { [XFCC]: istioSidecarXfcc({ by: SERVICE_ID, uri: WORKER_ID }) },
        }),
      expect: { status: 200, seenAs: WORKER_ID },
      note: 'allowed the refund: the caller is in namespace billing (rule 1 of policies.yaml, path template /orders/{*}/refund).',
    },
  ];
}
