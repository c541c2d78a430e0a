// The same rules as node-casbin policy lines, for a side-by-side comparison with meshAuth's
// engine. One model covers every shape (an ABAC model with RBAC-style subjects):
//  - request:  r = pr, ns, method, path, groups
//    the caller's principal (`cluster.local/ns/<ns>/sa/<sa>`, or "" without one), its namespace
//    (derived from the principal as Istio does, beforehand), the method, the path, and the JWT's
//    `groups` claim as an array ([] without a JWT);
//  - policy:   p = pr, ns, method, pk, path, grp, eft
//    `*` for a field the Istio rule leaves open; `pk` says how `path` matches: `exact` (==),
//    `prefix` (keyMatch, `/a/*`), `template` (keyMatch2: Istio's `{*}` as `:seg`, `{**}` as `*`),
//    `regex` (regexMatch, for Istio's suffix values `*x`) or `any`;
//  - effect: some(where (p.eft == allow)) && !some(where (p.eft == deny)): any matching DENY line
//    denies, else a matching ALLOW line allows, else deny. That is Istio's DENY-then-ALLOW order
//    for a workload with at least one ALLOW policy, which every generated set has.
// An Istio rule becomes one line per combination of its values (Istio ORs the values of a field;
// a casbin line holds one value per field), so a rule with two paths is two lines.
// The matcher has no space before "(": with the `in` operator in a matcher, casbin rewrites every
// " (...)" group that contains a comma into an array literal, which would break the calls.
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';

export const CASBIN_MODEL = `
[request_definition]
r = pr, ns, method, path, groups

[policy_definition]
p = pr, ns, method, pk, path, grp, eft

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (p.pr == "*" || keyMatch(r.pr, p.pr))&&(p.ns == "*" || r.ns == p.ns)&&(p.method == "*" || r.method == p.method)&&(p.pk == "any" ||(p.pk == "exact" && r.path == p.path)||(p.pk == "prefix" && keyMatch(r.path, p.path))||(p.pk == "template" && keyMatch2(r.path, p.path))||(p.pk == "regex" && regexMatch(r.path, p.path)))&&(p.grp == "*" ||(p.grp in r.groups))
`;

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An Istio path value as casbin's [pk, path]. */
function casbinPath(value) {
  if (value === undefined) return ['any', '*'];
  if (value.includes('{')) return ['template', value.replaceAll('{**}', '*').replaceAll('{*}', ':seg')];
  if (value.startsWith('*')) return ['regex', `^.*${escapeRegExp(value.slice(1))}$`];
  if (value.endsWith('*')) return ['prefix', value];
  return ['exact', value];
}

/** The casbin lines of the applied rules (`policySet(...).applied`), each a list of fields. */
export function casbinLines(applied) {
  const lines = [];
  for (const { action, spec } of applied) {
    const eft = action === 'DENY' ? 'deny' : 'allow';
    for (const pr of spec.principals ?? ['*']) {
      for (const ns of spec.namespaces ?? ['*']) {
        for (const method of spec.methods ?? ['*']) {
          for (const path of spec.paths ?? [undefined]) {
            for (const grp of spec.groups ?? ['*']) lines.push([pr, ns, method, ...casbinPath(path), grp, eft]);
          }
        }
      }
    }
  }
  return lines;
}

/** The lines as the CSV text of a casbin policy file. */
export function casbinCsv(lines) {
  return lines.map((fields) => `p, ${fields.join(', ')}`).join('\n');
}

/** A casbin enforcer for the lines, as from a policy file (StringAdapter). */
export async function casbinEnforcer(csv) {
  return newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(csv));
}

// Istio's namespace of a principal (`.*/ns/([^/]+)/.*`, the last `/ns/` segment).
const NAMESPACE = /.*\/ns\/([^/]+)\/.*/;

/** An AuthzRequest as casbin's request tuple, computed before any timing. */
export function casbinRequest(req) {
  const principal = req.peer?.principal ?? '';
  const groups = req.auth?.claims.groups;
  return [principal, NAMESPACE.exec(principal)?.[1] ?? '', req.method, req.path, Array.isArray(groups) ? groups : []];
}
