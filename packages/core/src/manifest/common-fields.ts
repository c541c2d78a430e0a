import type { IssueCollector } from './issues.js';

/** Kubernetes `ObjectMeta` fields the API server accepts on any object. */
const METADATA_FIELDS = [
  'name', 'namespace', 'annotations', 'labels', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'finalizers', 'ownerReferences', 'generateName', 'selfLink',
];
// k8s.io/apimachinery validation: names are DNS-1123 subdomains, namespaces DNS-1123 labels.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The metadata meshauth keeps of an Istio resource.
 *
 * @example
 * ```ts
 * const md: ResourceMetadata = { name: 'deny-admin', namespace: 'shop' };
 * ```
 */
export interface ResourceMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A `targetRef` / `targetRefs[]` entry (istio.type.v1beta1.PolicyTargetReference).
 *
 * @example
 * ```ts
 * const ref: TargetRef = { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'ingress' };
 * ```
 */
export interface TargetRef {
  readonly group?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/**
 * Reads `metadata`, reporting what the API server would refuse; sets the collector's resource
 * name for later issues. A missing namespace is `defaultNamespace`, as `kubectl apply -n` does.
 *
 * @example
 * ```ts
 * const metadata = readMetadata(collector, doc.metadata, 'default');
 * ```
 */
export function readMetadata(c: IssueCollector, v: unknown, defaultNamespace: string): ResourceMetadata | undefined {
  const md = c.object(v, 'metadata');
  if (md === undefined) {
    c.error('metadata', 'is required');
    return undefined;
  }
  c.known(md, METADATA_FIELDS, 'metadata');
  const name = c.string(md['name'], 'metadata.name');
  const namespace = c.string(md['namespace'], 'metadata.namespace') || defaultNamespace;
  c.policy = `${namespace}/${name ?? '<unnamed>'}`;
  if (!name) c.error('metadata.name', 'is required');
  else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) c.error('metadata.name', `"${name}" is not a DNS-1123 subdomain`);
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) c.error('metadata.namespace', `"${namespace}" is not a DNS-1123 label`);
  const annotations = c.stringMap(md['annotations'], 'metadata.annotations');
  const labels = c.stringMap(md['labels'], 'metadata.labels');
  if (!name) return undefined;
  return { name, namespace, ...(annotations ? { annotations } : {}), ...(labels ? { labels } : {}) };
}

/**
 * Reads one target reference; `kind` and `name` are required.
 *
 * @example
 * ```ts
 * const ref = readTargetRef(collector, spec.targetRef, 'spec.targetRef');
 * ```
 */
export function readTargetRef(c: IssueCollector, v: unknown, path: string): TargetRef | undefined {
  const o = c.object(v, path);
  if (o === undefined) {
    if (v === null) c.error(path, 'must not be null');
    return undefined;
  }
  c.known(o, ['group', 'kind', 'name', 'namespace'], path);
  const group = c.string(o['group'], `${path}.group`);
  const kind = c.string(o['kind'], `${path}.kind`);
  const name = c.string(o['name'], `${path}.name`);
  const namespace = c.string(o['namespace'], `${path}.namespace`);
  if (!kind) c.error(`${path}.kind`, 'is required');
  if (!name) c.error(`${path}.name`, 'is required');
  if (!kind || !name) return undefined;
  return { kind, name, ...(group !== undefined ? { group } : {}), ...(namespace !== undefined ? { namespace } : {}) };
}
