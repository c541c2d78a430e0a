// The parent side of a benchmark server: spawn it (pinned when possible), wait for its port,
// start and stop its measurement, and end it.
import { spawn } from 'node:child_process';
import { serverCommand } from './pin.mjs';

function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`server exited (${signal ?? code}) before sending "${type}"`));
    };
    const onError = (err) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}

/**
 * Starts `node <script> <variant>` as a child with an IPC channel and resolves once it listens.
 * `env` adds environment variables (the mTLS servers read their PEMs from there).
 */
export async function startServer(script, variant, { pinned, env = {} }) {
  const [command, args] = serverCommand(pinned, script, [variant]);
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const close = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      // The child exits on its own when the IPC channel closes; SIGKILL is the backstop.
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const { port } = await nextMessage(child, 'listening');
    return {
      port,
      /** `timeDecide`: time meshAuth's decide() in this run (lib/server-probe.mjs). */
      async start({ timeDecide = false } = {}) {
        child.send({ type: 'start', timeDecide });
        await nextMessage(child, 'started');
      },
      async stop() {
        child.send({ type: 'stop' });
        const { type: _type, ...stats } = await nextMessage(child, 'stats');
        return stats;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
