import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { main } from '../src/main.js';
import { fixture, run } from './helpers.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('meshauth', () => {
  it('prints help and the version', async () => {
    const help = await run(main, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^meshauth: check, explain and lint Istio AuthorizationPolicy manifests/);
    expect(help.out).toContain('Exit codes: 0 allowed / clean, 1 denied or lint warnings, 2 usage, load or request errors.');
    expect(await run(main, ['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('prints help on stderr and exits 2 without a command', async () => {
    const r = await run(main, []);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^meshauth: check, explain/);
  });

  it('rejects unknown commands and options', async () => {
    expect(await run(main, ['verify'])).toEqual({ code: 2, out: '', err: 'meshauth: unknown command "verify" (commands: check, explain, lint)\nRun "meshauth --help" for usage.\n' });
    expect((await run(main, ['--bogus'])).err).toMatch(/^meshauth: unknown option "--bogus"/);
    expect((await run(main, ['toString'])).code).toBe(2);
  });

  it('dispatches to the commands and their help', async () => {
    expect((await run(main, ['explain', '--help'])).out).toMatch(/^meshauth explain: /);
    expect((await run(main, ['lint', '-f', fixture('shop.yaml')])).code).toBe(0);
    expect((await run(main, ['check', '-f', fixture('shop.yaml'), '-n', 'shop', '--request', '{"path":"/admin","destination":{"port":8080}}'])).code).toBe(1);
  });
});
