/**
 * The ASN.1 modules load on the first certificate read, not on import: a service behind a sidecar
 * never reads a certificate and should not pay their start-up time. Checked in a fresh process on
 * the built package, as a user imports it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const built = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

function loadedAfter(script: string): string[] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

const listAsn1 = `console.log(JSON.stringify(Object.keys((await import('node:module')).createRequire(import.meta.url).cache).filter((f) => f.includes('asn1'))));`;

describe('ASN.1 modules', () => {
  it('are not loaded by importing the package or deciding an XFCC request', () => {
    const loaded = loadedAfter(`
      const { createMeshAuth } = await import(${JSON.stringify(built)});
      const engine = createMeshAuth({ mode: 'xfcc' });
      const decision = engine.decide({ method: 'GET', url: '/', headers: { 'x-forwarded-client-cert': 'By=spiffe://td/ns/a/sa/b;URI=spiffe://td/ns/c/sa/d' }, socket: { remoteAddress: '127.0.0.6' } });
      if (decision.peer?.id !== 'spiffe://td/ns/c/sa/d') throw new Error('unexpected decision ' + decision.code);
      ${listAsn1}`);
    expect(loaded).toEqual([]);
  });
});
