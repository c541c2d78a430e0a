import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Command-line parsing on `node:util` `parseArgs`: strict (unknown options are errors), with
 * messages that name the option and the command.
 */

/**
 * The command line is wrong: an unknown option, a missing value, conflicting options. The
 * command prints the message and a pointer to `--help`, and exits with 2.
 *
 * @example
 * ```ts
 * throw new UsageError('--request and --requests cannot be used together');
 * ```
 */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE' as const;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` in strict mode with positionals allowed; its errors become {@link UsageError}s
 * with the first sentence of Node's message.
 *
 * @example
 * ```ts
 * const { values, positionals } = parse(['--json', '-f', 'a.yaml'], { json: { type: 'boolean' }, filename: { type: 'string', short: 'f', multiple: true } });
 * ```
 */
export function parse<const O extends Options>(args: readonly string[], options: O): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    // Duck-typed: the error may come from another realm (a test VM context).
    const message = typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string' ? (err as { message: string }).message : String(err);
    // Node adds a hint about `--` to unknown options; the first sentence is the useful part.
    const first = message.split(/\.\s/)[0] ?? message;
    throw new UsageError(first.endsWith('.') ? first.slice(0, -1) : first);
  }
}

/**
 * Splits comma-separated values of a repeatable option (`--labels a=1,b=2 --labels c=3`).
 *
 * @example
 * ```ts
 * commaList(['a,b', 'c']); // ['a', 'b', 'c']
 * ```
 */
export function commaList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).filter((v) => v !== '');
}
