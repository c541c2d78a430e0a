import { readMetadata, readTargetRef } from '../manifest/common-fields.js';
import { IssueCollector, isObj, type ManifestIssue } from '../manifest/issues.js';
import type { AuthnTargetRef, JwtRule, RequestAuthentication } from './model.js';
import { readJwtRule } from './validate-jwt-rule.js';

/**
 * Validation of one RequestAuthentication object (a decoded manifest document): the API server's
 * structural schema (unknown fields, wrong types) and istiod's webhook
 * (`pkg/config/validation/validation.go` ValidateRequestAuthentication: selector xor targetRef(s),
 * workload selector, each jwtRule). Every problem is collected with its field path.
 */

const API_VERSIONS = ['security.istio.io/v1', 'security.istio.io/v1beta1'] as const;

/**
 * Where the object came from, for issues and for the resource's `origin`.
 *
 * @example
 * ```ts
 * const o: ParseRequestAuthnOptions = { file: 'authn.yaml', index: 2, defaultNamespace: 'shop' };
 * ```
 */
export interface ParseRequestAuthnOptions {
  readonly file?: string;
  /** Index of the document in its file. */
  readonly index?: number;
  /** Prefix of field paths, e.g. `items[3].` inside a List. */
  readonly fieldPrefix?: string;
  /** Namespace when `metadata.namespace` is absent (kubectl's current namespace). Default `default`. */
  readonly defaultNamespace?: string;
}

/**
 * The outcome: the validated resource, or every error. Warnings are non-fatal findings.
 *
 * @example
 * ```ts
 * const r: ParseRequestAuthnResult = parseRequestAuthentication(doc);
 * if (!r.ok) for (const e of r.errors) console.error(e.field, e.message);
 * ```
 */
export type ParseRequestAuthnResult =
  | { readonly ok: true; readonly resource: RequestAuthentication; readonly warnings: readonly ManifestIssue[] }
  | { readonly ok: false; readonly errors: readonly ManifestIssue[]; readonly warnings: readonly ManifestIssue[] };

function readSelector(c: IssueCollector, v: unknown): { matchLabels?: Record<string, string> } | undefined {
  const sel = c.object(v, 'spec.selector');
  if (sel === undefined) return undefined;
  c.known(sel, ['matchLabels'], 'spec.selector');
  const matchLabels = c.stringMap(sel['matchLabels'], 'spec.selector.matchLabels');
  // validateWorkloadSelector: no empty keys, no wildcards.
  for (const [k, val] of Object.entries(matchLabels ?? {})) {
    if (k === '') c.error('spec.selector.matchLabels', 'empty key is not supported in selector');
    if (k.includes('*') || val.includes('*')) c.error(`spec.selector.matchLabels.${k}`, 'wildcard is not supported in selector');
  }
  return matchLabels !== undefined ? { matchLabels } : {};
}

/**
 * Validates one RequestAuthentication object (already decoded from YAML or JSON).
 *
 * @example
 * ```ts
 * const r = parseRequestAuthentication(doc, { file: 'authn.yaml', index: 0 });
 * if (r.ok) console.log(r.resource.spec.jwtRules?.length);
 * else console.error(r.errors.map(formatIssue).join('\n'));
 * ```
 */
export function parseRequestAuthentication(obj: unknown, options: ParseRequestAuthnOptions = {}): ParseRequestAuthnResult {
  const c = new IssueCollector({ file: options.file, document: options.index, fieldPrefix: options.fieldPrefix });
  if (!isObj(obj)) {
    c.error('', 'a RequestAuthentication must be an object');
    return { ok: false, errors: c.errors, warnings: c.warnings };
  }
  c.known(obj, ['apiVersion', 'kind', 'metadata', 'spec', 'status'], '');
  const apiVersion = obj['apiVersion'];
  if (!API_VERSIONS.includes(apiVersion as (typeof API_VERSIONS)[number])) {
    c.error('apiVersion', `must be one of ${API_VERSIONS.join(', ')}, found ${JSON.stringify(apiVersion)}`);
  }
  if (obj['kind'] !== 'RequestAuthentication') c.error('kind', `must be RequestAuthentication, found ${JSON.stringify(obj['kind'])}`);
  const metadata = readMetadata(c, obj['metadata'], options.defaultNamespace ?? 'default');
  const spec = c.object(obj['spec'], 'spec') ?? {};
  c.known(spec, ['selector', 'targetRef', 'targetRefs', 'jwtRules'], 'spec');
  const selector = readSelector(c, spec['selector']);
  const targetRef = spec['targetRef'] === undefined ? undefined : readTargetRef(c, spec['targetRef'], 'spec.targetRef');
  const targetRefs = c.list(spec['targetRefs'], 'spec.targetRefs')?.map((t, i) => readTargetRef(c, t, `spec.targetRefs[${i}]`));
  // validateOneOfSelectorType: a selector and a targetRef(s) cannot be combined.
  const hasSelector = Object.keys(selector?.matchLabels ?? {}).length > 0;
  if (hasSelector && (targetRef !== undefined || (targetRefs?.length ?? 0) > 0)) {
    c.error('spec', 'only one of targetRefs or workloadSelector can be set');
  }
  if (targetRef !== undefined && (targetRefs?.length ?? 0) > 0) c.error('spec', 'only one of targetRef or targetRefs can be set');
  const jwtRules: JwtRule[] = [];
  c.list(spec['jwtRules'], 'spec.jwtRules')?.forEach((raw, i) => {
    const rule = readJwtRule(c, raw, `spec.jwtRules[${i}]`);
    if (rule !== undefined) jwtRules.push(rule);
  });
  if (c.errors.length > 0 || metadata === undefined) return { ok: false, errors: c.errors, warnings: c.warnings };
  const refs = (targetRefs ?? []).filter((t): t is AuthnTargetRef => t !== undefined);
  const resource: RequestAuthentication = {
    apiVersion: apiVersion as RequestAuthentication['apiVersion'],
    kind: 'RequestAuthentication',
    metadata,
    spec: {
      ...(selector !== undefined ? { selector } : {}),
      ...(targetRef !== undefined ? { targetRef } : {}),
      ...(refs.length > 0 ? { targetRefs: refs } : {}),
      ...(spec['jwtRules'] !== undefined && spec['jwtRules'] !== null ? { jwtRules } : {}),
    },
    ...(options.file !== undefined || options.index !== undefined
      ? { origin: { ...(options.file !== undefined ? { file: options.file } : {}), ...(options.index !== undefined ? { document: options.index } : {}) } }
      : {}),
  };
  return { ok: true, resource, warnings: c.warnings };
}
