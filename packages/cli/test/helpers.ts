import { fileURLToPath } from 'node:url';
import type { CliIo } from '../src/io.js';

/** Absolute path of the fixtures directory, with a trailing slash. */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Absolute path of a fixture. */
export function fixture(name: string): string {
  return FIXTURES + name;
}

/** What a command printed and returned; fixture paths are shown relative to the fixtures directory. */
export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs a command function with in-memory streams. */
export async function run(command: (argv: readonly string[], io: CliIo) => Promise<number>, argv: readonly string[], stdin = ''): Promise<Run> {
  let out = '';
  let err = '';
  let reads = 0;
  const io: CliIo = {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    readStdin: async () => {
      reads++;
      if (reads > 1) throw new Error('stdin read twice');
      return stdin;
    },
  };
  const code = await command(argv, io);
  return { code, out: out.replaceAll(FIXTURES, ''), err: err.replaceAll(FIXTURES, '') };
}

/** The lines of a text output. */
export function outLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}
