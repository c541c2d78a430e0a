import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { FIXTURES } from './helpers.js';

// The real binary as a child process, as users run it: the root `test` script builds every
// package (turbo run build) before jest starts.
const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const BIN = `${PACKAGE}dist/bin.js`;

function meshauth(args: readonly string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: FIXTURES, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the meshauth binary', () => {
  it('is an ESM script with a node shebang', () => {
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('exits 0 when allowed and 1 when denied', () => {
    const allowed = meshauth(['check', '-f', 'shop.yaml', '-l', 'app=orders', '--request', '{"path":"/api/x","source":{"principal":"cluster.local/ns/shop/sa/frontend"}}']);
    expect(allowed.status).toBe(0);
    const denied = meshauth(['check', '-f', 'shop.yaml', '-n', 'shop', '--request', '{"path":"/admin","destination":{"port":8080}}']);
    expect(denied).toEqual({
      status: 1,
      stdout: [
        'workload: namespace shop, labels (none); 3 of 4 policies apply',
        '<inline>: GET /admin',
        '  denied by DENY ns[shop]-policy[deny-admin]-rule[0]',
        '  dry-run DENY: would not deny (no rule matched)',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('reads JSON Lines from stdin and exits 2 after a bad line', () => {
    const input = '{"path":"/admin","destination":{"port":8080},"expect":"deny"}\n{"path":"/x","sourc":{}}\n{"path":"/x"}\n';
    const r = meshauth(['check', '-f', 'shop.yaml', '-n', 'shop', '--json', '-'], input);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: <stdin>:2: sourc: unknown field (did you mean "source"?)\n');
    expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { line: number; allowed: boolean }).line)).toEqual([1, 3]);
  });

  it('exits 2 on policies that do not load, 1 on lint warnings, and prints its version', () => {
    const load = meshauth(['lint', '-f', 'invalid.yaml']);
    expect(load.status).toBe(2);
    expect(load.stdout.split('\n')[0]).toBe('error: invalid.yaml#0 shop/typo: spec.rules[0].to[0].operation.path: unknown field');
    expect(meshauth(['lint', '-f', 'lint-mistakes.yaml']).status).toBe(1);
    const pkg = JSON.parse(readFileSync(`${PACKAGE}package.json`, 'utf8')) as { version: string };
    expect(meshauth(['--version'])).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});
