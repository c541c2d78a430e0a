import { RE2_DOT, parsePattern, quoteMeta, stringTest } from './match-values.js';
import type { AuthzRequest } from './request.js';

/**
 * Matchers on the mTLS peer identity. Envoy matches the URI SAN `spiffe://<principal>` with the
 * regexes istiod generates (`pilot/pkg/security/authz/model/generator.go`); here the same patterns
 * are applied to the principal without the scheme, rewritten so that no string is built per request.
 * Every matcher is false without a peer (a missing attribute), so `not…` fields are then true.
 */

/** A compiled OR over values, false when the attribute is missing. */
export type Pred = (req: AuthzRequest) => boolean;

/**
 * `principals`, `source.principal` (values already trust-domain rewritten): `StringMatcherWithPrefix(v,
 * "spiffe://")`: exact, prefix `spiffe://p`, suffix regex `spiffe://.*s` (the principal ends with s),
 * and `*` = `.+` (any peer, since the URI is never empty).
 *
 * @example
 * ```ts
 * principalsMatcher(['cluster.local/ns/shop/*'])({ ...req, peer: { principal: 'cluster.local/ns/shop/sa/a' } }); // true
 * ```
 */
export function principalsMatcher(values: readonly string[]): Pred {
  if (values.length === 1) {
    const p = parsePattern(values[0] as string, 'present');
    const t = p.text;
    // One value (the common case): one closure doing the comparison itself.
    if (p.kind === 'exact') return (req) => req.peer !== undefined && req.peer.principal === t;
    if (p.kind === 'prefix') return (req) => req.peer !== undefined && req.peer.principal.startsWith(t);
  }
  const test = stringTest(values, 'present');
  return (req) => {
    const peer = req.peer;
    return peer !== undefined && test(peer.principal);
  };
}

/**
 * `namespaces`, `source.namespace`: regex `.*` + `/ns/<v>/` + `.*` over the URI SAN, `*` ⇒ `.*`, the
 * literal parts quoted (generator.go srcNamespaceGenerator, quoted since 1.31). Without `*` this is
 * "contains `/ns/<v>/`", which, because the URI starts with `spiffe://`, also holds when the principal
 * itself starts with `ns/<v>/`.
 *
 * @example
 * ```ts
 * namespacesMatcher(['shop'])({ ...req, peer: { principal: 'cluster.local/ns/shop/sa/a' } }); // true
 * ```
 */
export function namespacesMatcher(values: readonly string[]): Pred {
  const needles: string[] = [];
  const starts: string[] = [];
  const regexes: RegExp[] = [];
  for (const v of values) {
    if (!v.includes('*')) {
      needles.push(`/ns/${v}/`);
      starts.push(`ns/${v}/`);
    } else {
      const body = v.split('*').map(quoteMeta).join(`${RE2_DOT}*`);
      regexes.push(new RegExp(`^(?:${RE2_DOT}*/)?ns/${body}/${RE2_DOT}*$`));
    }
  }
  return (req) => {
    const peer = req.peer;
    if (peer === undefined) return false;
    const p = peer.principal;
    for (let i = 0; i < needles.length; i++) {
      if (p.includes(needles[i] as string) || p.startsWith(starts[i] as string)) return true;
    }
    for (const re of regexes) if (re.test(p)) return true;
    return false;
  };
}

/**
 * `serviceAccounts`, `source.serviceAccount`: `name` (in the policy's namespace) or `ns/name`, matched
 * with `spiffe://.+/ns/<ns>/(.+/|)sa/<sa>(/.+)?` (quoted, generator.go serviceAccountRegex; dots were
 * metacharacters before CVE-2026-39350). The trust domain is not checked.
 *
 * @example
 * ```ts
 * serviceAccountsMatcher(['frontend'], 'shop')({ ...req, peer: { principal: 'td/ns/shop/sa/frontend' } }); // true
 * ```
 */
export function serviceAccountsMatcher(values: readonly string[], policyNamespace: string): Pred {
  const checks = values.map((v) => {
    const slash = v.indexOf('/');
    const ns = slash < 0 ? policyNamespace : v.slice(0, slash);
    const sa = slash < 0 ? v : v.slice(slash + 1);
    const re = new RegExp(`^${RE2_DOT}+/ns/${quoteMeta(ns)}/(?:${RE2_DOT}+/|)sa/${quoteMeta(sa)}(?:/${RE2_DOT}+)?$`);
    return { needle: `/ns/${ns}/`, re };
  });
  return (req) => {
    const peer = req.peer;
    if (peer === undefined) return false;
    const p = peer.principal;
    for (const c of checks) if (p.includes(c.needle) && c.re.test(p)) return true;
    return false;
  };
}

/**
 * `trustDomains`, `source.trustDomain` (values already alias-expanded): exact ⇒ prefix
 * `spiffe://<td>/`; `*` ⇒ prefix `spiffe://` (any peer); `*x`/`x*` ⇒ regex `spiffe://a[^/]*b/.*`
 * (model generator for trust domains, Istio ≥ 1.31).
 *
 * @example
 * ```ts
 * trustDomainsMatcher(['*.corp'])({ ...req, peer: { principal: 'eu.corp/ns/a/sa/b' } }); // true
 * ```
 */
export function trustDomainsMatcher(values: readonly string[]): Pred {
  let any = false;
  const prefixes: string[] = [];
  const regexes: RegExp[] = [];
  for (const v of values) {
    if (v === '*') any = true;
    else if (!v.includes('*')) prefixes.push(`${v}/`);
    else {
      const star = v.indexOf('*');
      regexes.push(new RegExp(`^${quoteMeta(v.slice(0, star))}[^/]*${quoteMeta(v.slice(star + 1))}/${RE2_DOT}*$`));
    }
  }
  return (req) => {
    const peer = req.peer;
    if (peer === undefined) return false;
    if (any) return true;
    const p = peer.principal;
    for (const x of prefixes) if (p.startsWith(x)) return true;
    for (const re of regexes) if (re.test(p)) return true;
    return false;
  };
}

/**
 * Calls `visit` with every `<v>` for which the URI `spiffe://<principal>` contains `/ns/<v>/`, i.e.
 * every namespace an exact `namespaces` value could match. Used by the rule index; stops when
 * `visit` returns `true`.
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * forEachPrincipalNamespace('td/ns/shop/sa/a', (ns) => { seen.push(ns); return false; }); // seen = ['shop']
 * ```
 */
export function forEachPrincipalNamespace(principal: string, visit: (namespace: string) => boolean): void {
  // The scheme's last `/` precedes a principal that starts with `ns/`.
  if (principal.startsWith('ns/')) {
    const end = principal.indexOf('/', 3);
    if (end !== -1 && visit(principal.slice(3, end))) return;
  }
  let from = principal.indexOf('/ns/');
  while (from !== -1) {
    const start = from + 4;
    const end = principal.indexOf('/', start);
    if (end === -1) return;
    if (visit(principal.slice(start, end))) return;
    from = principal.indexOf('/ns/', from + 1);
  }
}
