import {
  compileCondition,
  compileOperationField,
  compileSourceField,
  type CompiledField,
  type FieldContext,
  type IndexDimension,
} from './fields.js';
import type { Pred } from './identity-match.js';
import type { PolicyAction, PolicyOperation, PolicyRule, PolicySource } from './types.js';

/**
 * One rule compiled: `(from empty OR any source) AND (to empty OR any operation) AND all conditions`
 * (`pilot/pkg/security/authz/model/model.go`; Envoy RBAC: a policy matches when any permission and
 * any principal match).
 *
 * Builder errors follow istiod (`model.go` checkError): in an ALLOW policy a value that cannot be
 * built drops the whole rule (a smaller allow); in DENY, AUDIT and CUSTOM policies (CUSTOM rules are
 * built with the DENY action) the value is ignored, and a field left without values disappears,
 * widening the rule.
 */

/**
 * A compiled rule, kept as a tree for explanations next to its fast predicate.
 *
 * @example
 * ```ts
 * const r = compileRule(rule, 'DENY', ctx);
 * r.match(req);
 * ```
 */
export interface CompiledRuleBody {
  /** One entry per `from`, each the AND of its fields. */
  readonly from: readonly (readonly CompiledField[])[];
  /** One entry per `to`, each the AND of its fields. */
  readonly to: readonly (readonly CompiledField[])[];
  readonly when: readonly CompiledField[];
  /** Conditions ignored because they could not be built (DENY/AUDIT/CUSTOM), as `path: reason`. */
  readonly ignored: readonly string[];
  /** Why an ALLOW rule was dropped (it then never matches). */
  readonly dropped: string | undefined;
  readonly match: Pred;
  /** Candidate keys per dimension; the rule matches only requests carrying one of them. */
  readonly keys: ReadonlyMap<IndexDimension, readonly string[]>;
}

const SOURCE_FIELDS: readonly (readonly [keyof PolicySource, keyof PolicySource, string])[] = [
  ['principals', 'notPrincipals', 'principals'],
  ['requestPrincipals', 'notRequestPrincipals', 'requestPrincipals'],
  ['namespaces', 'notNamespaces', 'namespaces'],
  ['serviceAccounts', 'notServiceAccounts', 'serviceAccounts'],
  ['trustDomains', 'notTrustDomains', 'trustDomains'],
  ['ipBlocks', 'notIpBlocks', 'ipBlocks'],
  ['remoteIpBlocks', 'notRemoteIpBlocks', 'remoteIpBlocks'],
];
const OPERATION_FIELDS: readonly (readonly [keyof PolicyOperation, keyof PolicyOperation])[] = [
  ['hosts', 'notHosts'],
  ['methods', 'notMethods'],
  ['paths', 'notPaths'],
  ['ports', 'notPorts'],
];

const TRUE: Pred = () => true;
const FALSE: Pred = () => false;

/**
 * AND of predicates, unrolled for the common small arities.
 *
 * @example
 * ```ts
 * all([isGet, isAdminPath])(req);
 * ```
 */
export function all(preds: readonly Pred[]): Pred {
  const [a, b, c] = preds;
  if (a === undefined) return TRUE;
  if (b === undefined) return a;
  if (c === undefined) return (r) => a(r) && b(r);
  if (preds.length === 3) return (r) => a(r) && b(r) && c(r);
  return (r) => {
    for (const p of preds) if (!p(r)) return false;
    return true;
  };
}

/**
 * OR of predicates; false when empty.
 *
 * @example
 * ```ts
 * any([fromFrontend, fromBackend])(req);
 * ```
 */
export function any(preds: readonly Pred[]): Pred {
  const [a, b] = preds;
  if (a === undefined) return FALSE;
  if (b === undefined) return a;
  if (preds.length === 2) return (r) => a(r) || b(r);
  return (r) => {
    for (const p of preds) if (p(r)) return true;
    return false;
  };
}

function sourceFields(source: PolicySource, path: string, ctx: FieldContext): CompiledField[] {
  const out: CompiledField[] = [];
  for (const [pos, neg, name] of SOURCE_FIELDS) {
    const f = compileSourceField(name, source[pos] ?? [], source[neg] ?? [], `${path}.${name}`, ctx);
    if (f) out.push(f);
  }
  return out;
}

function operationFields(op: PolicyOperation, path: string): CompiledField[] {
  const out: CompiledField[] = [];
  for (const [pos, neg] of OPERATION_FIELDS) {
    const f = compileOperationField(pos, op[pos] ?? [], op[neg] ?? [], `${path}.${pos}`);
    if (f) out.push(f);
  }
  return out;
}

/** Keys of a dimension that every entry of a side (`from` or `to`) requires, or `undefined`. */
function sideKeys(side: readonly (readonly CompiledField[])[], dimension: IndexDimension): string[] | undefined {
  if (side.length === 0) return undefined;
  const keys = new Set<string>();
  for (const entry of side) {
    const f = entry.find((x) => x.index?.dimension === dimension);
    if (!f?.index) return undefined;
    for (const k of f.index.keys) keys.add(k);
  }
  return [...keys];
}

function indexKeys(from: readonly (readonly CompiledField[])[], to: readonly (readonly CompiledField[])[], when: readonly CompiledField[]): Map<IndexDimension, readonly string[]> {
  const keys = new Map<IndexDimension, readonly string[]>();
  for (const dimension of ['principal', 'namespace'] as const) {
    const k = sideKeys(from, dimension) ?? when.find((f) => f.index?.dimension === dimension)?.index?.keys;
    if (k) keys.set(dimension, k);
  }
  for (const dimension of ['method', 'path'] as const) {
    const k = sideKeys(to, dimension);
    if (k) keys.set(dimension, k);
  }
  return keys;
}

/**
 * Compiles one rule of a policy with the given action.
 *
 * @example
 * ```ts
 * const body = compileRule({ to: [{ operation: { paths: ['/admin*'] } }] }, 'DENY', { policyNamespace: 'shop', bundle: ['cluster.local'], spaceDelimited: new Set(['scope']) });
 * body.match({ method: 'GET', path: '/admin/x', host: 'a', headers: {} }); // true
 * ```
 */
export function compileRule(rule: PolicyRule, action: PolicyAction, ctx: FieldContext): CompiledRuleBody {
  const from = (rule.from ?? []).map((f, i) => sourceFields(f.source, `from[${i}].source`, ctx));
  const to = (rule.to ?? []).map((t, i) => operationFields(t.operation, `to[${i}].operation`));
  const when: CompiledField[] = [];
  const ignored: string[] = [];
  let dropped: string | undefined;
  (rule.when ?? []).forEach((cond, i) => {
    const c = compileCondition(cond, `when[${i}]`, ctx);
    if (c === undefined) return;
    if ('unbuildable' in c) {
      if (action === 'ALLOW') dropped ??= `when[${i}] (${cond.key}): ${c.unbuildable}`;
      else ignored.push(`when[${i}] (${cond.key}): ${c.unbuildable}`);
      return;
    }
    when.push(c);
  });
  const parts: Pred[] = [];
  if (from.length > 0) parts.push(any(from.map((fields) => all(fields.map((f) => f.test)))));
  if (to.length > 0) parts.push(any(to.map((fields) => all(fields.map((f) => f.test)))));
  for (const w of when) parts.push(w.test);
  const match = dropped === undefined ? all(parts) : FALSE;
  return { from, to, when, ignored, dropped, match, keys: dropped === undefined ? indexKeys(from, to, when) : new Map() };
}
