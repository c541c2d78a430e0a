/**
 * Problems found while validating Istio manifests (AuthorizationPolicy, RequestAuthentication),
 * each with its file, document, resource and field path, and the typed reading of untyped input
 * that finds them.
 */

/**
 * One problem: where it is (file, document, resource, field) and what is wrong.
 *
 * @example
 * ```ts
 * const issue: ManifestIssue = { file: 'authn.yaml', document: 0, policy: 'shop/jwt', field: 'spec.jwtRules[0].issuer', message: 'is required' };
 * ```
 */
export interface ManifestIssue {
  readonly file?: string;
  readonly document?: number;
  /** `namespace/name` of the resource, when the metadata could be read. */
  readonly policy?: string;
  /** Dotted field path, e.g. `spec.jwtRules[0].fromHeaders[1].name`. */
  readonly field: string;
  readonly message: string;
}

type Obj = Record<string, unknown>;

/**
 * Whether a value is a plain JSON object (not null, not a list).
 *
 * @example
 * ```ts
 * isObj({}); // true
 * isObj([]); // false
 * ```
 */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * How a wrong value is named in messages.
 *
 * @example
 * ```ts
 * describe(42);   // 'number 42'
 * describe(null); // 'null'
 * ```
 */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Where issues are reported from: the file, document and field prefix of the input.
 *
 * @example
 * ```ts
 * const ctx: IssueContext = { file: 'authn.yaml', document: 2, fieldPrefix: 'items[0].' };
 * ```
 */
export interface IssueContext {
  readonly file?: string | undefined;
  readonly document?: number | undefined;
  readonly fieldPrefix?: string | undefined;
}

/**
 * Collects errors and warnings with their field paths, and reads typed values out of untyped input.
 *
 * @example
 * ```ts
 * const c = new IssueCollector({ file: 'a.yaml' });
 * const issuer = c.string(raw.issuer, 'spec.jwtRules[0].issuer');
 * if (c.errors.length > 0) console.error(c.errors);
 * ```
 */
export class IssueCollector {
  readonly errors: ManifestIssue[] = [];
  readonly warnings: ManifestIssue[] = [];
  /** `namespace/name`, once known. */
  policy: string | undefined;

  constructor(private readonly ctx: IssueContext = {}) {}

  private issue(field: string, message: string): ManifestIssue {
    const { file, document, fieldPrefix = '' } = this.ctx;
    return {
      ...(file !== undefined ? { file } : {}),
      ...(document !== undefined ? { document } : {}),
      ...(this.policy !== undefined ? { policy: this.policy } : {}),
      field: fieldPrefix + field,
      message,
    };
  }

  error(field: string, message: string): void {
    this.errors.push(this.issue(field, message));
  }

  warn(field: string, message: string): void {
    this.warnings.push(this.issue(field, message));
  }

  /** Reports every member of `obj` not listed in `allowed` (the API server's structural schema). */
  known(obj: Obj, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.error(path ? `${path}.${k}` : k, 'unknown field');
  }

  /** An optional object; `null` counts as absent, as the API server prunes it. */
  object(v: unknown, path: string): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) {
      this.error(path, `must be an object, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  string(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.error(path, `must be a string, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  boolean(v: unknown, path: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.error(path, `must be a boolean, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** An optional list of strings; `emptyMessage` is reported for `""` items. */
  strings(v: unknown, path: string, emptyMessage = 'empty value not allowed'): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.error(path, `must be a list of strings, found ${describe(v)}`);
      return undefined;
    }
    const out: string[] = [];
    v.forEach((item: unknown, i) => {
      if (typeof item !== 'string') this.error(`${path}[${i}]`, `must be a string, found ${describe(item)}`);
      else if (item === '') this.error(`${path}[${i}]`, emptyMessage);
      else out.push(item);
    });
    return out;
  }

  /** An optional map of strings to strings. */
  stringMap(v: unknown, path: string): Record<string, string> | undefined {
    const o = this.object(v, path);
    if (o === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      if (typeof val !== 'string') this.error(`${path}.${k}`, `must be a string, found ${describe(val)}`);
      else out[k] = val;
    }
    return out;
  }

  list(v: unknown, path: string): unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.error(path, `must be a list, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }
}

/**
 * Formats an issue as `file#doc ns/name: field: message`, like AuthorizationPolicy issues.
 *
 * @example
 * ```ts
 * formatIssue({ file: 'a.yaml', document: 0, policy: 'shop/jwt', field: 'spec.jwtRules[0].issuer', message: 'is required' });
 * // "a.yaml#0 shop/jwt: spec.jwtRules[0].issuer: is required"
 * ```
 */
export function formatIssue(issue: ManifestIssue): string {
  let where = issue.file ?? '<input>';
  if (issue.document !== undefined) where += `#${issue.document}`;
  if (issue.policy !== undefined) where += ` ${issue.policy}`;
  return issue.field === '' ? `${where}: ${issue.message}` : `${where}: ${issue.field}: ${issue.message}`;
}
