import { UsageError } from './args.js';
import type { CliIo } from './io.js';

/** Exit code: allowed, or nothing to report. */
export const EXIT_OK = 0;
/** Exit code: a request was denied (`check`, `explain`) or lint found warnings. */
export const EXIT_DENIED = 1;
/** Exit code: wrong usage, policies that do not load, invalid requests. */
export const EXIT_USAGE = 2;

/**
 * Runs a command; a {@link UsageError} prints `meshauth <command>: <message>` and a pointer to
 * `--help`, and gives exit code 2.
 *
 * @example
 * ```ts
 * return usageFailure('lint', io, () => lint(argv, io));
 * ```
 */
export async function usageFailure(command: string, io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const name = command === '' ? 'meshauth' : `meshauth ${command}`;
    io.stderr(`${name}: ${err.message}\nRun "${name} --help" for usage.\n`);
    return EXIT_USAGE;
  }
}
