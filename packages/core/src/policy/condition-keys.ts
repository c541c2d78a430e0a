/**
 * `when` keys: how validation (`pkg/config/security/security.go` ValidateAttribute) and the builder
 * (`pilot/pkg/security/authz/model/model.go` New, `generator.go`) read them. The two disagree on
 * purpose in a few places: `request.headersX[a]` passes validation (only the `a[b]` shape is checked)
 * but the header generator fails on it, so the value cannot be built; such keys are classified
 * `unbuildable` and compiled with Istio's builder-error semantics.
 */

/** Keys compared directly with one request attribute. */
export type SimpleKey =
  | 'source.ip'
  | 'remote.ip'
  | 'source.namespace'
  | 'source.principal'
  | 'source.serviceAccount'
  | 'source.trustDomain'
  | 'request.auth.principal'
  | 'request.auth.audiences'
  | 'request.auth.presenter'
  | 'destination.ip'
  | 'destination.port'
  | 'connection.sni';

/** What a `when` key refers to. */
export type ConditionKey =
  | { readonly kind: 'simple'; readonly key: SimpleKey }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'claims'; readonly path: readonly string[] }
  | { readonly kind: 'unbuildable'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly message: string };

const SIMPLE: ReadonlySet<string> = new Set<SimpleKey>([
  'source.ip',
  'remote.ip',
  'source.namespace',
  'source.principal',
  'source.serviceAccount',
  'source.trustDomain',
  'request.auth.principal',
  'request.auth.audiences',
  'request.auth.presenter',
  'destination.ip',
  'destination.port',
  'connection.sni',
]);

// security.go validateMapKey: `a[b]` with a non-empty a and b.
function isMapKey(key: string): boolean {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2;
}

// model/util.go extractNameInBrackets.
function nameInBrackets(s: string): string | undefined {
  return s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : undefined;
}

/**
 * model/util.go extractNameInNestedBrackets: `[a][b]` ⇒ `a,b`; malformed nesting falls back to the
 * outer brackets (`[a[b]]` ⇒ `a[b]`); `undefined` when even that fails.
 *
 * @example
 * ```ts
 * nestedNames('[a][b]'); // ['a', 'b']
 * nestedNames('[a.b]');  // ['a.b']
 * ```
 */
export function nestedNames(s: string): string[] | undefined {
  const names: string[] = [];
  const endBracket = (begin: number): number => {
    if (begin >= s.length || s[begin] !== '[') return -1;
    for (let i = begin + 1; i < s.length; i++) {
      if (s[i] === '[') return -1;
      if (s[i] === ']') return i;
    }
    return -1;
  };
  for (let begin = 0; begin < s.length; ) {
    const end = endBracket(begin);
    if (end === -1) {
      const whole = nameInBrackets(s);
      return whole === undefined ? undefined : [whole];
    }
    names.push(s.slice(begin + 1, end));
    begin = end + 1;
  }
  return names;
}

/**
 * Classifies a `when` key, in ValidateAttribute's order (prefix checks included).
 *
 * @example
 * ```ts
 * classifyKey('request.headers[X-Tenant]'); // { kind: 'header', name: 'x-tenant' }
 * classifyKey('destination.labels[app]');   // { kind: 'invalid', message: '... replaced by the workload selector' }
 * ```
 */
export function classifyKey(key: string): ConditionKey {
  if (key.startsWith('request.headers')) {
    if (!isMapKey(key)) return { kind: 'invalid', message: `bad key (${key}): should have format a[b]` };
    const name = nameInBrackets(key.slice('request.headers'.length));
    // Header names are case-insensitive in Envoy's HeaderMatcher; requests carry lower-case names.
    if (name === undefined) return { kind: 'unbuildable', reason: `expecting format [<NAME>] after request.headers in ${key}` };
    return { kind: 'header', name: name.toLowerCase() };
  }
  if (SIMPLE.has(key)) return { kind: 'simple', key: key as SimpleKey };
  if (key.startsWith('request.auth.claims')) {
    if (!isMapKey(key)) return { kind: 'invalid', message: `bad key (${key}): should have format a[b]` };
    const path = nestedNames(key.slice('request.auth.claims'.length));
    if (path === undefined) return { kind: 'unbuildable', reason: `expecting format [<NAME>] after request.auth.claims in ${key}` };
    return { kind: 'claims', path };
  }
  if (key.startsWith('experimental.envoy.filters.')) {
    if (!isMapKey(key)) return { kind: 'invalid', message: `bad key (${key}): should have format a[b]` };
    // Envoy dynamic metadata of other filters does not exist in-process.
    return { kind: 'unbuildable', reason: `${key} reads Envoy filter metadata, which is not available in-process` };
  }
  if (key === 'destination.namespace') return { kind: 'invalid', message: `attribute ${key} is replaced by the metadata.namespace` };
  if (key.startsWith('destination.labels')) return { kind: 'invalid', message: `attribute ${key} is replaced by the workload selector` };
  if (key === 'destination.name' || key === 'destination.user') {
    return { kind: 'invalid', message: `deprecated attribute ${key}: only supported in v1alpha1` };
  }
  return { kind: 'invalid', message: `unknown attribute: ${key}` };
}
