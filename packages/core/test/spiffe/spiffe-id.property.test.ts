import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SpiffeId } from '../../src/spiffe/spiffe-id.js';
import { SpiffeIdError } from '../../src/spiffe/spiffe-id-error.js';

const TD_CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789.-_'];
const PATH_CHARS = [...TD_CHARS, ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
/** Characters that break, or sit next to, the rules: separators, URI delimiters, case, non-ASCII, controls. */
const NASTY = [...'/.%?#:@[] \t\n\r\0\\A', 'é', '\u00ff', '\u200b', '\ud800', '\u{1F92F}', 'spiffe://', '..', '//'];

const trustDomain = fc.string({ unit: fc.constantFrom(...TD_CHARS), minLength: 1, maxLength: 40 });
const segment = fc.string({ unit: fc.constantFrom(...PATH_CHARS), minLength: 1, maxLength: 20 }).filter((s) => s !== '.' && s !== '..');
const validId = fc
  .tuple(trustDomain, fc.array(segment, { maxLength: 8 }))
  .map(([td, segs]) => `spiffe://${td}${segs.map((s) => '/' + s).join('')}`);

/** A straightforward reading of SPIFFE-ID.md §2, used as an oracle. */
function isValidBySpec(s: string): boolean {
  const m = /^spiffe:\/\/([a-z0-9._-]+)((?:\/[a-zA-Z0-9._-]+)*)$/.exec(s);
  if (m === null || s.length > 2048 || (m[1] ?? '').length > 255) return false;
  return (m[2] ?? '').split('/').slice(1).every((seg) => seg !== '.' && seg !== '..');
}

/** Inserts, deletes or replaces characters of a valid ID at random positions. */
const mutatedId = fc
  .tuple(validId, fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...NASTY)), { minLength: 1, maxLength: 4 }))
  .map(([id, edits]) =>
    edits.reduce((s, [pos, op, text]) => {
      const i = s.length === 0 ? 0 : pos % (s.length + 1);
      if (op === 'insert') return s.slice(0, i) + text + s.slice(i);
      if (op === 'delete') return s.slice(0, i) + s.slice(i + 1);
      return s.slice(0, i) + text + s.slice(i + text.length);
    }, id),
  );

function outcome(s: string): 'ok' | 'invalid' {
  try {
    SpiffeId.parse(s);
    return 'ok';
  } catch (err) {
    if (err instanceof SpiffeIdError) return 'invalid';
    throw err;
  }
}

describe('SpiffeId.parse properties', () => {
  it('returns a SpiffeId or throws SpiffeIdError for any string, agreeing with the spec', () => {
    const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }).map((s) => 'spiffe://' + s), mutatedId);
    fc.assert(
      fc.property(anyString, (s) => {
        expect(outcome(s)).toBe(isValidBySpec(s) ? 'ok' : 'invalid');
      }),
      { numRuns: 5000 },
    );
  });

  it('round-trips valid IDs: parse(x).toString() === x, and fromSegments rebuilds them', () => {
    fc.assert(
      fc.property(validId, (s) => {
        const id = SpiffeId.parse(s);
        expect(id.toString()).toBe(s);
        expect(id.path).toBe(s.slice(`spiffe://${id.trustDomain.name}`.length));
        expect(SpiffeId.fromSegments(id.trustDomain, ...id.segments).equals(id)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear: a 100 KB input and worst-case 2 KB inputs return quickly', () => {
    const huge = 'spiffe://td/' + 'a/'.repeat(50_000) + '!';
    let start = performance.now();
    expect(outcome(huge)).toBe('invalid');
    expect(performance.now() - start).toBeLessThan(5);

    // Longest accepted input, and one that fails on its last character after scanning everything.
    const longValid = `spiffe://${'a'.repeat(255)}` + '/b'.repeat((2048 - 264) / 2);
    const failsLast = longValid.slice(0, -1) + '!';
    expect(longValid.length).toBe(2048);
    start = performance.now();
    for (let i = 0; i < 2000; i++) {
      SpiffeId.parse(longValid);
      expect(outcome(failsLast)).toBe('invalid');
    }
    // 4000 parses of 2 KB; generous bound so slow CI machines pass, while a quadratic parser would not.
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
