// The certificates of the mTLS pairs: a dev CA for cluster.local, the server's SVID and the SVID
// every load connection presents.
import { createDevCa } from '@meshauth/testkit';

export function makeBenchIdentities() {
  const ca = createDevCa({ trustDomain: 'cluster.local' });
  return {
    caPem: ca.certPem,
    server: ca.issueSvid({ path: '/ns/bench/sa/server' }),
    client: ca.issueSvid({ path: '/ns/x/sa/y' }),
  };
}
