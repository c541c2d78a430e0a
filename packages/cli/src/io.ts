/**
 * Where a command reads and writes. The binary uses the process streams; tests and programs that
 * embed the commands pass their own.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * const io: CliIo = { stdout: (s) => out.push(s), stderr: (s) => out.push(s), readStdin: async () => '' };
 * await runCheck(['-f', 'policies/', '--request', '{"path":"/admin"}'], io);
 * ```
 */
export interface CliIo {
  /** Receives standard output text, newlines included. */
  readonly stdout: (text: string) => void;
  /** Receives standard error text, newlines included. */
  readonly stderr: (text: string) => void;
  /** Reads all of standard input as UTF-8. Called at most once per command. */
  readonly readStdin: () => Promise<string>;
}

/**
 * The process's own streams.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: () => readStream(process.stdin),
  };
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A line writer over one stream of a {@link CliIo}. */
export type LineWriter = (line: string) => void;

/**
 * Writes one line (a newline is appended).
 *
 * @example
 * ```ts
 * const out = lines(io.stdout);
 * out('allowed');
 * ```
 */
export function lines(write: (text: string) => void): LineWriter {
  return (line) => write(`${line}\n`);
}
