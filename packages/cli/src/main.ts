import { UsageError } from './args.js';
import { runCheck, runExplain } from './check.js';
import { EXIT_OK, EXIT_USAGE, usageFailure } from './exit.js';
import { MAIN_HELP } from './help.js';
import type { CliIo } from './io.js';
import { runLint } from './lint/command.js';
import { cliVersion } from './version.js';

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<number>>> = {
  check: runCheck,
  explain: runExplain,
  lint: runLint,
};

/**
 * The `meshauth` command line: dispatches to `check`, `explain` or `lint` and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout)(MAIN_HELP);
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${cliVersion()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS[first];
  if (command === undefined || !Object.hasOwn(COMMANDS, first)) {
    return usageFailure('', io, () => {
      throw new UsageError(first.startsWith('-') ? `unknown option "${first}"` : `unknown command "${first}" (commands: check, explain, lint)`);
    });
  }
  return command(rest, io);
}
