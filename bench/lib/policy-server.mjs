// The server side of the policy pairs: meshAuth in XFCC mode, as in the `xfcc` variant, with the
// 10-rule AuthorizationPolicy of bench/fixtures/policy-10-rules.yaml enforced. Before a server
// uses it, the fixture is checked to be what the report says it is: 10 rules in scope, and both
// callers of the XFCC load allowed by the rule in the middle of the ALLOW rules.
import { fileURLToPath } from 'node:url';
import { evaluatePolicies, ruleId, securityConfig } from '@meshauth/core';

export const POLICY_FIXTURE = fileURLToPath(new URL('../fixtures/policy-10-rules.yaml', import.meta.url));
/** The benchmark server as a workload: the XFCC load names it spiffe://cluster.local/ns/bench/sa/server. */
export const POLICY_WORKLOAD = { namespace: 'bench', labels: { app: 'server' } };
/** The callers of the XFCC load (bench/lib/http-suite.mjs), as policies see them. */
const CALLERS = ['cluster.local/ns/x/sa/y', 'cluster.local/ns/x/sa/z'];
const RULES = 10;
const MATCHING_POLICY = 'bench/allow-internal-callers';

function checkFixture() {
  const snapshot = securityConfig(POLICY_FIXTURE, POLICY_WORKLOAD).policies;
  const rules = snapshot.policies.reduce((n, p) => n + p.rules.length, 0);
  if (rules !== RULES) throw new Error(`${POLICY_FIXTURE}: ${rules} rules apply to the bench workload, expected ${RULES}`);
  // Envoy's order within the ALLOW stage: rule ids sorted by name.
  const allowIds = snapshot.policies
    .filter((p) => p.action === 'ALLOW')
    .flatMap((p) => {
      const [namespace, name] = p.name.split('/');
      return p.rules.map((_, i) => ruleId(namespace, name, i));
    })
    .sort();
  for (const principal of CALLERS) {
    const d = evaluatePolicies(snapshot, { method: 'GET', path: '/', host: '127.0.0.1', headers: {}, peer: { principal } });
    const position = allowIds.indexOf(d.id ?? '');
    if (!d.allowed || d.policy !== MATCHING_POLICY || position <= 0 || position >= allowIds.length - 1) {
      throw new Error(`${POLICY_FIXTURE}: GET / from ${principal} should be allowed by ${MATCHING_POLICY}, in the middle of the ALLOW rules; got ${d.action} ${d.policy ?? '(no rule)'}`);
    }
  }
}

/** meshAuth options of the `xfcc-policy` variant. */
export function policyMeshAuthOptions() {
  checkFixture();
  return { mode: 'xfcc', requirePeer: true, policies: POLICY_FIXTURE, workload: POLICY_WORKLOAD };
}
