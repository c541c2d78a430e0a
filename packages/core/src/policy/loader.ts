import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { isBadDryRunValue, DRY_RUN_ANNOTATION } from './dry-run.js';
import { PolicyLoadError, type PolicyIssue } from './errors.js';
import { parseRequestAuthentication } from '../authn/parse-request-authn.js';
import type { RequestAuthentication } from '../authn/model.js';
import type { AuthorizationPolicy } from './types.js';
import { validatePolicyObject } from './validate.js';

/**
 * Reading AuthorizationPolicy manifests the way `kubectl apply -f` takes them: multi-document YAML,
 * JSON, `List` objects, directories. Other kinds are skipped. A load either returns every policy or
 * throws one {@link PolicyLoadError} listing every problem.
 */

/**
 * Options of {@link parsePolicies} and {@link loadPolicies}.
 *
 * @example
 * ```ts
 * parsePolicies(text, { file: 'policies/deny.yaml', defaultNamespace: 'shop', onWarning: (w) => log.warn(formatIssue(w)) });
 * ```
 */
export interface ParseOptions {
  /** Name used in messages for text input. */
  readonly file?: string;
  /** Namespace of manifests without `metadata.namespace` (kubectl's current namespace). Default `default`. */
  readonly defaultNamespace?: string;
  /** Receives non-fatal findings (Istio's validation warnings, unbuildable conditions). */
  readonly onWarning?: (warning: PolicyIssue) => void;
}

/**
 * A source for {@link loadPolicies}: a file or directory path (string or `file:` URL), YAML/JSON
 * text, or manifest objects.
 *
 * @example
 * ```ts
 * const sources: PolicyInput[] = ['policies/', { text: yamlText, file: 'inline.yaml' }, manifestObject];
 * ```
 */
export type PolicyInput = string | URL | { readonly text: string; readonly file?: string } | Readonly<Record<string, unknown>>;

const KIND = 'AuthorizationPolicy';
const GROUP = 'security.istio.io/';
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Everything of ours that a set of manifests holds.
 *
 * @example
 * ```ts
 * const { policies, requestAuthentications } = loadManifestsSync('./policies');
 * ```
 */
export interface LoadedManifests {
  readonly policies: AuthorizationPolicy[];
  readonly requestAuthentications: RequestAuthentication[];
}

interface Accumulator {
  readonly policies: AuthorizationPolicy[];
  readonly requestAuthentications: RequestAuthentication[];
  readonly errors: PolicyIssue[];
  readonly warnings: PolicyIssue[];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function where(file: string | undefined, document: number | undefined): { file?: string; document?: number } {
  return { ...(file !== undefined ? { file } : {}), ...(document !== undefined ? { document } : {}) };
}

/** One decoded document (or List item): skip other kinds, validate AuthorizationPolicies. */
function acceptDocument(acc: Accumulator, doc: unknown, file: string | undefined, document: number | undefined, prefix: string, options: ParseOptions): void {
  if (doc === null || doc === undefined) return; // an empty document, as kubectl ignores it
  if (!isObj(doc)) {
    acc.errors.push({ ...where(file, document), field: prefix, message: `a manifest must be an object, found ${Array.isArray(doc) ? 'a list' : typeof doc}` });
    return;
  }
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    acc.errors.push({ ...where(file, document), field: `${prefix}apiVersion`, message: 'apiVersion not set' });
    return;
  }
  if (typeof kind !== 'string' || kind === '') {
    acc.errors.push({ ...where(file, document), field: `${prefix}kind`, message: 'kind not set' });
    return;
  }
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(doc['items']))) {
    const items = doc['items'];
    if (items === undefined || items === null) return;
    if (!Array.isArray(items)) {
      acc.errors.push({ ...where(file, document), field: `${prefix}items`, message: 'must be a list' });
      return;
    }
    items.forEach((item: unknown, i) => acceptDocument(acc, item, file, document, `${prefix}items[${i}].`, options));
    return;
  }
  if (kind === 'RequestAuthentication' && apiVersion.startsWith(GROUP)) {
    const ra = parseRequestAuthentication(doc, {
      ...(file !== undefined ? { file } : {}),
      ...(document !== undefined ? { index: document } : {}),
      fieldPrefix: prefix,
      ...(options.defaultNamespace !== undefined ? { defaultNamespace: options.defaultNamespace } : {}),
    });
    if (ra.ok) acc.requestAuthentications.push(ra.resource);
    else acc.errors.push(...ra.errors);
    acc.warnings.push(...ra.warnings);
    return;
  }
  if (kind !== KIND || !apiVersion.startsWith(GROUP)) return; // other kinds are not ours
  const ctx: { file?: string; document?: number; fieldPrefix: string; defaultNamespace?: string } = { fieldPrefix: prefix };
  if (file !== undefined) ctx.file = file;
  if (document !== undefined) ctx.document = document;
  if (options.defaultNamespace !== undefined) ctx.defaultNamespace = options.defaultNamespace;
  const result = validatePolicyObject(doc, ctx);
  if (result.errors.length > 0) acc.errors.push(...result.errors);
  if (result.warnings.length > 0) acc.warnings.push(...result.warnings);
  if (result.policy) {
    const dryRun = result.policy.metadata.annotations?.[DRY_RUN_ANNOTATION];
    if (dryRun !== undefined && isBadDryRunValue(dryRun)) {
      acc.warnings.push({
        ...where(file, document),
        policy: `${result.policy.metadata.namespace}/${result.policy.metadata.name}`,
        field: `${prefix}metadata.annotations.${DRY_RUN_ANNOTATION}`,
        message: `"${dryRun}" is not a Go strconv.ParseBool value; istiod logs an error and enforces the policy`,
      });
    }
    acc.policies.push(result.policy);
  }
}

function acceptText(acc: Accumulator, text: string, file: string | undefined, options: ParseOptions): void {
  // YAML 1.2 is a JSON superset, so one parser serves both and reports duplicate keys in either.
  const docs = Array.from(parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true }));
  docs.forEach((d, i) => {
    if (d.errors.length > 0) {
      for (const e of d.errors) acc.errors.push({ ...where(file, i), field: '', message: `invalid YAML: ${e.message}` });
      return;
    }
    let js: unknown;
    try {
      // maxAliasCount bounds alias expansion ("billion laughs").
      js = d.toJS({ maxAliasCount: 100 });
    } catch (err) {
      acc.errors.push({ ...where(file, i), field: '', message: `invalid YAML: ${(err as Error).message}` });
      return;
    }
    acceptDocument(acc, js, file, i, '', options);
  });
}

function finish(acc: Accumulator, options: ParseOptions): LoadedManifests {
  const seen = new Map<string, AuthorizationPolicy>();
  for (const p of acc.policies) {
    const id = `${p.metadata.namespace}/${p.metadata.name}`;
    const first = seen.get(id);
    if (first) {
      const at = first.origin?.file !== undefined ? ` (first in ${first.origin.file}${first.origin.document !== undefined ? `#${first.origin.document}` : ''})` : '';
      acc.errors.push({ ...where(p.origin?.file, p.origin?.document), policy: id, field: 'metadata.name', message: `duplicate policy ${id}${at}` });
    } else seen.set(id, p);
  }
  if (acc.errors.length > 0) throw new PolicyLoadError(acc.errors);
  if (options.onWarning) for (const w of acc.warnings) options.onWarning(w);
  return { policies: acc.policies, requestAuthentications: acc.requestAuthentications };
}

/**
 * Parses policies from YAML/JSON text (multi-document, `List` objects) or from manifest objects,
 * synchronously. Other kinds are skipped. Throws one {@link PolicyLoadError} listing every problem.
 *
 * @example
 * ```ts
 * const policies = parsePolicies(`
 * apiVersion: security.istio.io/v1
 * kind: AuthorizationPolicy
 * metadata: { name: deny-admin, namespace: shop }
 * spec:
 *   action: DENY
 *   rules: [{ to: [{ operation: { paths: ["/admin*"] } }] }]
 * `, { file: 'deny.yaml' });
 * ```
 */
export function parsePolicies(input: string | Readonly<Record<string, unknown>> | readonly unknown[], options: ParseOptions = {}): AuthorizationPolicy[] {
  const acc: Accumulator = { policies: [], requestAuthentications: [], errors: [], warnings: [] };
  if (typeof input === 'string') acceptText(acc, input, options.file, options);
  else if (Array.isArray(input)) input.forEach((doc: unknown, i) => acceptDocument(acc, doc, options.file, i, '', options));
  else acceptDocument(acc, input, options.file, undefined, '', options);
  return finish(acc, options).policies;
}

function acceptPath(acc: Accumulator, path: string, options: ParseOptions): void {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    acc.errors.push({ file: path, field: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return;
  }
  const files = isDir
    ? readdirSync(path, { withFileTypes: true })
        .filter((e) => e.isFile() && EXTENSIONS.has(extname(e.name).toLowerCase()))
        .map((e) => join(path, e.name))
        .sort()
    : [path];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      acc.errors.push({ file, field: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      continue;
    }
    acceptText(acc, text, file, options);
  }
}

/**
 * Loads AuthorizationPolicy and RequestAuthentication manifests synchronously (meant for startup) from files, directories (`*.yaml`, `*.yml`, `*.json`, sorted, not recursive, as
 * `kubectl apply -f dir`), text (`{ text, file? }`) and manifest objects. Everything is read and
 * validated before anything is returned; any problem throws one {@link PolicyLoadError}.
 *
 * @example
 * ```ts
 * const { policies, requestAuthentications } = loadManifestsSync(['/etc/meshauth/policies', { text: extraYaml, file: 'extra.yaml' }], { defaultNamespace: 'shop' });
 * const snapshot = compilePolicies(policies, { namespace: 'shop', labels: { app: 'orders' } });
 * ```
 */
export function loadManifestsSync(source: PolicyInput | readonly PolicyInput[], options: ParseOptions = {}): LoadedManifests {
  const acc: Accumulator = { policies: [], requestAuthentications: [], errors: [], warnings: [] };
  const sources: readonly PolicyInput[] = Array.isArray(source) ? source : [source as PolicyInput];
  for (const s of sources) {
    if (typeof s === 'string') acceptPath(acc, s, options);
    else if (s instanceof URL) acceptPath(acc, fileURLToPath(s), options);
    else {
      const o: Readonly<Record<string, unknown>> = s;
      if (typeof o['text'] === 'string' && o['apiVersion'] === undefined && o['kind'] === undefined) {
        const file = typeof o['file'] === 'string' ? o['file'] : options.file;
        acceptText(acc, o['text'], file, options);
      } else acceptDocument(acc, o, options.file, undefined, '', options);
    }
  }
  return finish(acc, options);
}

/**
 * The AuthorizationPolicies of {@link loadManifestsSync}.
 *
 * @example
 * ```ts
 * const policies = loadPoliciesSync('./policies', { defaultNamespace: 'shop' });
 * ```
 */
export function loadPoliciesSync(source: PolicyInput | readonly PolicyInput[], options: ParseOptions = {}): AuthorizationPolicy[] {
  return loadManifestsSync(source, options).policies;
}

/**
 * {@link loadPoliciesSync} behind a promise, for callers that load outside startup.
 *
 * @example
 * ```ts
 * const policies = await loadPolicies(['./policies', { text: yamlText, file: 'inline.yaml' }]);
 * ```
 */
export async function loadPolicies(source: PolicyInput | readonly PolicyInput[], options: ParseOptions = {}): Promise<AuthorizationPolicy[]> {
  return loadPoliciesSync(source, options);
}
