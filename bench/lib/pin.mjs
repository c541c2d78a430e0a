// CPU pinning with taskset: the server on one core, the load generator on the other, so they do
// not take turns on the same core. Without taskset (or with fewer than two cores) nothing is
// pinned and the benchmark runs as it is.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const SERVER_CPU = 1;
export const LOAD_CPU = 0;

/** Pins every thread of this process to LOAD_CPU; returns whether pinning is in effect. */
export function pinLoadGenerator() {
  if (availableParallelism() < 2) return false;
  const check = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  if (check.error !== undefined || check.status !== 0) return false;
  const pin = spawnSync('taskset', ['-a', '-p', '-c', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });
  return pin.error === undefined && pin.status === 0;
}

/** The command and arguments that run `node script ...args`, on SERVER_CPU when pinned. */
export function serverCommand(pinned, script, args) {
  const node = [process.execPath, script, ...args];
  return pinned ? ['taskset', ['-c', String(SERVER_CPU), ...node]] : [node[0], node.slice(1)];
}
