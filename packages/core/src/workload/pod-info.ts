import { existsSync, readFileSync } from 'node:fs';
import { OptionError } from '../errors.js';
import { goUnquote } from './go-unquote.js';

/** Where Kubernetes mounts the service account's namespace in every pod. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/** The conventional path of a downward-API volume item `{ path: labels, fieldRef: metadata.labels }`. */
export const DEFAULT_LABELS_FILE = '/etc/podinfo/labels';

/**
 * Which workload this process is, for scoping policies the way istiod does.
 *
 * @example
 * ```ts
 * const workload: WorkloadOptions = { namespace: 'shop', labels: { app: 'orders' } };
 * ```
 */
export interface WorkloadOptions {
  /** Default: `POD_NAMESPACE`, else the service account's namespace file. */
  namespace?: string;
  /** Default: the labels file. */
  labels?: Readonly<Record<string, string>>;
  /** A downward-API labels file. Default: `MESHAUTH_LABELS_FILE`, else `/etc/podinfo/labels` when it exists. */
  labelsFile?: string;
}

/** The workload's namespace (if found) and labels. */
export interface Workload {
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Parses a downward-API labels file: one `key="value"` line per label, values Go-quoted
 * (k8s.io/kubernetes pkg/fieldpath FormatMap).
 *
 * @example
 * ```ts
 * parseLabelsFile('app="orders"\nversion="v1"'); // { app: 'orders', version: 'v1' }
 * ```
 */
export function parseLabelsFile(text: string, file = 'labels file'): Record<string, string> {
  const labels: Record<string, string> = {};
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const eq = line.indexOf('=');
    const value = eq > 0 ? goUnquote(line.slice(eq + 1)) : undefined;
    if (value === undefined) throw new OptionError('workload.labelsFile', `${file}:${i + 1} is not a key="value" line`);
    labels[line.slice(0, eq)] = value;
  });
  return labels;
}

function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new OptionError(option, `cannot be read from ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * Finds the workload's namespace and labels from options, else the way a pod exposes them to its
 * app container: `POD_NAMESPACE` (a `fieldRef: metadata.namespace` env var), the service account's
 * namespace file, and a downward-API labels file. Istio's own pod-info files exist only in the
 * sidecar container (integrations.md 4.6), so they are not read.
 *
 * @example
 * ```ts
 * const { namespace, labels } = resolveWorkload({}, process.env);
 * ```
 */
export function resolveWorkload(options: WorkloadOptions = {}, env: NodeJS.ProcessEnv = process.env): Workload {
  let namespace = options.namespace ?? (env['POD_NAMESPACE'] || undefined);
  if (namespace === undefined && existsSync(SERVICE_ACCOUNT_NAMESPACE_FILE)) {
    namespace = readText(SERVICE_ACCOUNT_NAMESPACE_FILE, 'workload.namespace').trim() || undefined;
  }
  let labels = options.labels;
  if (labels === undefined) {
    const file = options.labelsFile ?? (env['MESHAUTH_LABELS_FILE'] || undefined);
    if (file !== undefined) labels = parseLabelsFile(readText(file, 'workload.labelsFile'), file);
    else if (existsSync(DEFAULT_LABELS_FILE)) labels = parseLabelsFile(readText(DEFAULT_LABELS_FILE, 'workload.labelsFile'), DEFAULT_LABELS_FILE);
  }
  return { namespace, labels: labels ?? {} };
}
