// verifyX509Svid on a leaf + root chain, as a TLS socket presents it: parse both certificates,
// check the leaf's SVID rules and validity, and verify the signature against the trust bundle.
import { TrustBundleSet, verifyX509Svid } from '@meshauth/core';
import { createDevCa } from '@meshauth/testkit';
import { measure, report } from './harness.mjs';

const ca = createDevCa({ trustDomain: 'cluster.local' });
const svid = ca.issueSvid({ path: '/ns/shop/sa/frontend' });
const chain = [svid.der, ca.der];
const bundles = TrustBundleSet.from({ 'cluster.local': ca.certPem });

report([measure('verifyX509Svid, leaf + root', () => verifyX509Svid(chain, bundles), { iterations: 2_000, warmup: 500 })]);
