/**
 * Trust-domain aliasing, as istiod rewrites policies before building Envoy config
 * (istio/istio `pilot/pkg/security/trustdomain/bundle.go`).
 */

/**
 * The local trust domain followed by its aliases (`meshConfig.trustDomain` + `trustDomainAliases`).
 *
 * @example
 * ```ts
 * const bundle: TrustDomainBundle = ['td2', 'td1'];
 * ```
 */
export type TrustDomainBundle = readonly string[];

// model/util.go stringMatch: `a` against the bundle members used as patterns.
function bundleMatch(td: string, bundle: TrustDomainBundle): boolean {
  for (const s of bundle) {
    if (td === s || s === '*') return true;
    if (s.endsWith('*') && td.startsWith(s.slice(0, -1))) return true;
    if (s.startsWith('*') && td.endsWith(s.slice(1))) return true;
  }
  return false;
}

/**
 * `Bundle.ReplaceTrustDomainAliases`: a principal `td/ns/x/sa/y` (exactly five `/`-separated parts,
 * trust domain not literally `*`) whose trust domain is in the bundle, or is `cluster.local`, is
 * replaced by one copy per bundle member; a `*`-prefixed trust domain that suffix-matches a member is
 * kept as is for that member. Everything else is kept verbatim.
 *
 * @example
 * ```ts
 * replaceTrustDomainAliases(['cluster.local/ns/a/sa/b'], ['td1', 'td0']);
 * // ['td1/ns/a/sa/b', 'td0/ns/a/sa/b']
 * ```
 */
export function replaceTrustDomainAliases(principals: readonly string[], bundle: TrustDomainBundle): readonly string[] {
  // With no aliases, a principal already in the local trust domain is replaced by itself.
  if (bundle.length === 1) {
    const local = `${bundle[0] as string}/`;
    let same = true;
    for (let i = 0; i < principals.length && same; i++) same = (principals[i] as string).startsWith(local);
    if (same) return principals;
  }
  const out: string[] = [];
  for (const principal of principals) {
    const parts = principal.split('/');
    if (parts.length !== 5 || parts[0] === '*') {
      out.push(principal);
      continue;
    }
    const td = parts[0] ?? '';
    if (!bundleMatch(td, bundle) && td !== 'cluster.local') {
      out.push(principal);
      continue;
    }
    const rest = parts.slice(1).join('/');
    const forAliases: string[] = [];
    for (const member of bundle) {
      // replaceTrustDomains: suffixMatch(member, tdFromPrincipal) keeps a `*foo` principal as written.
      const keep = td.startsWith('*') && member.endsWith(td.slice(1));
      const next = keep ? principal : `${member}/${rest}`;
      if (!forAliases.includes(next)) forAliases.push(next);
    }
    out.push(...forAliases);
  }
  return out;
}

/**
 * `Bundle.ExpandTrustDomainAliases`: a `trustDomains` value equal to a bundle member expands to the
 * whole bundle; duplicates are removed.
 *
 * @example
 * ```ts
 * expandTrustDomainAliases(['td1', 'other'], ['td1', 'td0']); // ['td1', 'td0', 'other']
 * ```
 */
export function expandTrustDomainAliases(values: readonly string[], bundle: TrustDomainBundle): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const x of bundle.includes(v) ? bundle : [v]) if (!out.includes(x)) out.push(x);
  }
  return out;
}
