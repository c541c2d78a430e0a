import {
  compileCondition,
  compileOperationField,
  compileSourceField,
  type CompiledField,
  type FieldContext,
} from './fields.js';
import type { Pred } from './identity-match.js';
import { fit, mapFit } from './arrays.js';
import type { IndexEntry, IndexField, IndexSide } from './index-keys.js';
import type { PolicyAction, PolicyCondition, PolicyOperation, PolicyRule, PolicySource } from './types.js';

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
  /** Ways to file the rule in the index (see {@link IndexSide}); empty when it must always be checked. */
  readonly index: readonly IndexSide[];
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
  const a = preds[0];
  const b = preds[1];
  const c = preds[2];
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
  const a = preds[0];
  const b = preds[1];
  if (a === undefined) return FALSE;
  if (b === undefined) return a;
  if (preds.length === 2) return (r) => a(r) || b(r);
  return (r) => {
    for (const p of preds) if (p(r)) return true;
    return false;
  };
}

const NONE: readonly string[] = Object.freeze([]);
const NO_FIELDS: readonly (readonly CompiledField[])[] = Object.freeze([]);
const NO_FIELDS_FLAT: readonly CompiledField[] = Object.freeze([]);
const NO_CONDITIONS: readonly PolicyCondition[] = Object.freeze([]);

function sourceFields(source: PolicySource, entry: number, ctx: FieldContext): readonly CompiledField[] {
  const out: CompiledField[] = [];
  for (let i = 0; i < SOURCE_FIELDS.length; i++) {
    const spec = SOURCE_FIELDS[i] as (typeof SOURCE_FIELDS)[number];
    const pos = spec[0];
    const neg = spec[1];
    const name = spec[2];
    const values = source[pos];
    const notValues = source[neg];
    if (values === undefined && notValues === undefined) continue;
    const f = compileSourceField(name, values ?? NONE, notValues ?? NONE, fieldPath('from', entry, '.source.', name), ctx);
    if (f) out.push(f);
  }
  return fit(out);
}

function operationFields(op: PolicyOperation, entry: number, ctx: FieldContext): readonly CompiledField[] {
  const out: CompiledField[] = [];
  for (let i = 0; i < OPERATION_FIELDS.length; i++) {
    const spec = OPERATION_FIELDS[i] as (typeof OPERATION_FIELDS)[number];
    const pos = spec[0];
    const neg = spec[1];
    const values = op[pos];
    const notValues = op[neg];
    if (values === undefined && notValues === undefined) continue;
    const f = compileOperationField(pos, values ?? NONE, notValues ?? NONE, fieldPath('to', entry, '.operation.', pos), ctx);
    if (f) out.push(f);
  }
  return fit(out);
}

const testOf = (f: CompiledField): Pred => f.test;
const keysOf = (f: CompiledField): IndexField => f.keys as IndexField;

/** AND of the fields' tests, without a list for one or two fields (the common cases). */
function andFields(fields: readonly CompiledField[]): Pred {
  const n = fields.length;
  if (n === 0) return TRUE;
  const a = (fields[0] as CompiledField).test;
  if (n === 1) return a;
  const b = (fields[1] as CompiledField).test;
  if (n === 2) return (r) => a(r) && b(r);
  return all(mapFit(fields, testOf));
}

// Field paths repeat in every rule (`from[0].source.principals`): one string each, shared.
const PATHS = { from: new Map<string, string[]>(), to: new Map<string, string[]>(), when: new Map<string, string[]>() };

/** `${side}[${entry}]${middle}${name}`, shared between rules. */
function fieldPath(side: 'from' | 'to' | 'when', entry: number, middle: string, name: string): string {
  if (entry >= 16) return `${side}[${entry}]${middle}${name}`;
  const bySide = PATHS[side];
  let byEntry = bySide.get(name);
  if (byEntry === undefined) {
    byEntry = [];
    bySide.set(name, byEntry);
  }
  return (byEntry[entry] ??= `${side}[${entry}]${middle}${name}`);
}

/** The keys of an entry's fields (exact length), or `undefined` when no field has keys. */
function entryIndex(entry: readonly CompiledField[]): IndexEntry | undefined {
  let n = 0;
  for (let i = 0; i < entry.length; i++) if ((entry[i] as CompiledField).keys !== undefined) n++;
  if (n === 0) return undefined;
  if (n === entry.length) return mapFit(entry, keysOf);
  const out: IndexField[] = [];
  for (let i = 0; i < entry.length; i++) {
    const k = (entry[i] as CompiledField).keys;
    if (k !== undefined) out.push(k);
  }
  return fit(out);
}

/** The side's alternative: every entry must offer a field with keys. */
function sideIndex(side: readonly (readonly CompiledField[])[]): IndexSide | undefined {
  if (side.length === 0) return undefined;
  if (side.length === 1) {
    const e = entryIndex(side[0] as CompiledField[]);
    return e === undefined ? undefined : [e];
  }
  const out = mapFit(side, entryIndex);
  for (let i = 0; i < out.length; i++) if (out[i] === undefined) return undefined;
  return out as IndexEntry[];
}

function ruleIndex(from: readonly (readonly CompiledField[])[], to: readonly (readonly CompiledField[])[], when: readonly CompiledField[]): readonly IndexSide[] {
  const f = sideIndex(from);
  const t = sideIndex(to);
  let w = 0;
  for (let i = 0; i < when.length; i++) if ((when[i] as CompiledField).keys !== undefined) w++;
  // A fresh empty list rather than a shared frozen one: a frozen array has a shape of its own.
  if (w === 0) return f === undefined ? (t === undefined ? [] : [t]) : t === undefined ? [f] : [f, t];
  const out: IndexSide[] = [];
  if (f !== undefined) out.push(f);
  if (t !== undefined) out.push(t);
  for (let i = 0; i < when.length; i++) {
    const k = (when[i] as CompiledField).keys;
    if (k !== undefined) out.push([[k]]);
  }
  return fit(out);
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
  const from = sources(rule.from, ctx);
  const to = operations(rule.to, ctx);
  let when: CompiledField[] | undefined;
  let ignored: string[] | undefined;
  let dropped: string | undefined;
  const conditions = rule.when ?? NO_CONDITIONS;
  for (let i = 0; i < conditions.length; i++) {
    const cond = conditions[i] as PolicyCondition;
    const c = compileCondition(cond, fieldPath('when', i, '', ''), ctx);
    if (c === undefined) continue;
    if ('unbuildable' in c) {
      if (action === 'ALLOW') dropped ??= `when[${i}] (${cond.key}): ${c.unbuildable}`;
      else (ignored ??= []).push(`when[${i}] (${cond.key}): ${c.unbuildable}`);
      continue;
    }
    (when ??= []).push(c);
  }
  const w = when === undefined ? NO_FIELDS_FLAT : fit(when);
  let match = FALSE;
  if (dropped === undefined) {
    const f = from.length === 0 ? undefined : from.length === 1 ? andFields(from[0] as CompiledField[]) : any(mapFit(from, andFields));
    const t = to.length === 0 ? undefined : to.length === 1 ? andFields(to[0] as CompiledField[]) : any(mapFit(to, andFields));
    if (w.length === 0) match = f === undefined ? (t ?? TRUE) : t === undefined ? f : all([f, t]);
    else {
      const parts: Pred[] = [];
      if (f !== undefined) parts.push(f);
      if (t !== undefined) parts.push(t);
      for (const x of w) parts.push(x.test);
      match = all(parts);
    }
  }
  return { from, to, when: w, ignored: ignored === undefined ? NONE : fit(ignored), dropped, match, index: dropped === undefined ? ruleIndex(from, to, w) : [] };
}

// One entry (the common case) without a callback; more through mapFit.

function sources(list: readonly { readonly source: PolicySource }[] | undefined, ctx: FieldContext): readonly (readonly CompiledField[])[] {
  if (list === undefined) return NO_FIELDS;
  if (list.length === 1) return [sourceFields((list[0] as { source: PolicySource }).source, 0, ctx)];
  return mapFit(list, (f, i) => sourceFields(f.source, i, ctx));
}

function operations(list: readonly { readonly operation: PolicyOperation }[] | undefined, ctx: FieldContext): readonly (readonly CompiledField[])[] {
  if (list === undefined) return NO_FIELDS;
  if (list.length === 1) return [operationFields((list[0] as { operation: PolicyOperation }).operation, 0, ctx)];
  return mapFit(list, (t, i) => operationFields(t.operation, i, ctx));
}
