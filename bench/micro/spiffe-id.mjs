// SpiffeId.parse on an Istio workload ID.
import { SpiffeId } from '@meshauth/core';
import { measure, report } from './harness.mjs';

const id = 'spiffe://cluster.local/ns/shop/sa/frontend';

report([measure('SpiffeId.parse', () => SpiffeId.parse(id))]);
