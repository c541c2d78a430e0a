import { readFile } from 'node:fs/promises';
import { UsageError } from './args.js';
import type { CliIo } from './io.js';
import { parseRequest, type ParsedRequest, type RequestIssue } from './request.js';

/**
 * Where `check` and `explain` read requests: one JSON request (`--request`: a file, inline JSON
 * or `-` for stdin) or JSON Lines (`--requests`: a file or `-`; a lone `-` argument means the same).
 */

/**
 * Which requests to read.
 *
 * @example
 * ```ts
 * const source: RequestSource = { kind: 'lines', from: 'requests.jsonl' };
 * ```
 */
export type RequestSource = { readonly kind: 'single' | 'lines'; readonly from: string };

/**
 * One request read from the source: valid, or with its problems.
 *
 * @example
 * ```ts
 * for (const e of await readRequests(source, io)) if (e.issues) console.error(e.origin, e.line, e.issues);
 * ```
 */
export interface RequestEntry {
  /** 1-based position among the requests read. */
  readonly index: number;
  /** The file name, `<stdin>` or `<inline>`. */
  readonly origin: string;
  /** 1-based line number, for JSON Lines. */
  readonly line: number | undefined;
  readonly parsed: ParsedRequest | undefined;
  readonly issues: readonly RequestIssue[] | undefined;
}

/**
 * Picks the request source from the options; exactly one is required.
 *
 * @example
 * ```ts
 * requestSource({ request: undefined, requests: undefined, positionals: ['-'] }); // { kind: 'lines', from: '-' }
 * ```
 */
export function requestSource(o: { request?: string | undefined; requests?: string | undefined; positionals: readonly string[] }): RequestSource {
  const extra = o.positionals.filter((p) => p !== '-');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (policy files go after -f)`);
  const stdin = o.positionals.includes('-');
  const given = [o.request !== undefined, o.requests !== undefined, stdin].filter(Boolean).length;
  if (given === 0) throw new UsageError('no request: give --request <file|json>, --requests <file.jsonl> or - (JSON Lines on stdin)');
  if (given > 1) throw new UsageError('give only one of --request, --requests and -');
  if (o.request !== undefined) return { kind: 'single', from: o.request };
  return { kind: 'lines', from: o.requests ?? '-' };
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `invalid JSON: ${(err as Error).message}` };
  }
}

async function readText(from: string, io: CliIo): Promise<string> {
  if (from === '-') return io.readStdin();
  try {
    return await readFile(from, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${from}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function entry(index: number, origin: string, line: number | undefined, text: string): RequestEntry {
  const json = parseJson(text);
  if ('error' in json) return { index, origin, line, parsed: undefined, issues: [{ field: '', message: json.error }] };
  const r = parseRequest(json.value);
  return r.ok ? { index, origin, line, parsed: r.value, issues: undefined } : { index, origin, line, parsed: undefined, issues: r.issues };
}

/**
 * Reads and validates every request of the source. A bad JSON Lines line is reported with its
 * line number and the others are still read. Throws {@link UsageError} when the file cannot be read.
 *
 * @example
 * ```ts
 * const entries = await readRequests({ kind: 'single', from: '{"path":"/admin"}' }, io);
 * ```
 */
export async function readRequests(source: RequestSource, io: CliIo): Promise<RequestEntry[]> {
  if (source.kind === 'single') {
    const inline = source.from.trimStart().startsWith('{');
    const origin = inline ? '<inline>' : source.from === '-' ? '<stdin>' : source.from;
    const text = inline ? source.from : await readText(source.from, io);
    return [entry(1, origin, undefined, text)];
  }
  const origin = source.from === '-' ? '<stdin>' : source.from;
  const text = await readText(source.from, io);
  const out: RequestEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    out.push(entry(out.length + 1, origin, i + 1, line));
  });
  return out;
}

/**
 * Where an entry came from, for messages: `requests.jsonl:3`, `<stdin>:1`, `request.json`.
 *
 * @example
 * ```ts
 * entryLocation(entry); // 'requests.jsonl:3'
 * ```
 */
export function entryLocation(e: RequestEntry): string {
  return e.line === undefined ? e.origin : `${e.origin}:${e.line}`;
}
