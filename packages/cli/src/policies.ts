import { loadPolicies, type AuthorizationPolicy, type PolicyInput, type PolicyIssue } from '@meshauth/core';
import { UsageError } from './args.js';
import type { CliIo } from './io.js';

/**
 * Loading the `-f` arguments as `kubectl apply -f` reads them: files, directories (not recursive),
 * multi-document YAML, JSON, `List` objects, and `-` for stdin.
 */

/**
 * Options of {@link loadPolicyFiles}.
 *
 * @example
 * ```ts
 * const options: LoadOptions = { defaultNamespace: 'shop', onWarning: (w) => warnings.push(w) };
 * ```
 */
export interface LoadOptions {
  /** Namespace of manifests without `metadata.namespace`. Default `default`. */
  readonly defaultNamespace?: string | undefined;
  /** Receives the loader's non-fatal findings. */
  readonly onWarning?: (warning: PolicyIssue) => void;
}

/**
 * Loads every `-f` argument at once; throws the core's `PolicyLoadError` listing every problem.
 *
 * @example
 * ```ts
 * const policies = await loadPolicyFiles(['policies/', 'extra.yaml'], processIo(), { defaultNamespace: 'shop' });
 * ```
 */
export async function loadPolicyFiles(files: readonly string[], io: CliIo, options: LoadOptions = {}): Promise<AuthorizationPolicy[]> {
  if (files.length === 0) throw new UsageError('no policies: give -f <file|dir> (repeatable, - for stdin)');
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('-f - (stdin) can be given once');
  const inputs: PolicyInput[] = [];
  for (const f of files) inputs.push(f === '-' ? { text: await io.readStdin(), file: '<stdin>' } : f);
  return loadPolicies(inputs, {
    ...(options.defaultNamespace !== undefined ? { defaultNamespace: options.defaultNamespace } : {}),
    ...(options.onWarning !== undefined ? { onWarning: options.onWarning } : {}),
  });
}
