import type { DevCa } from './dev-ca.js';

/**
 * The PEM roots of some dev CAs, grouped by their root's trust domain: the input
 * `TrustBundleSet.from` and the `trustBundles` option take. Intermediates contribute their root.
 *
 * @example
 * ```ts
 * const a = createDevCa({ trustDomain: 'a.test' });
 * const b = createDevCa({ trustDomain: 'b.test' });
 * const bundles = TrustBundleSet.from(bundle(a, b)); // { 'a.test': [a.certPem], 'b.test': [b.certPem] }
 * ```
 */
export function bundle(...cas: readonly DevCa[]): Record<string, string[]> {
  // No prototype: `__proto__` is a syntactically valid trust domain name.
  const out = Object.create(null) as Record<string, string[]>;
  for (const ca of cas) {
    const root = ca.root;
    const list = (out[root.trustDomain] ??= []);
    if (!list.includes(root.certPem)) list.push(root.certPem);
  }
  return out;
}
