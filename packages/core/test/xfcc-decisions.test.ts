import { describe, expect, it } from '@jest/globals';
import type { Decision } from '../src/decision.js';
import { RecentXfccDecisions, XfccDecisions } from '../src/xfcc-decisions.js';

const decision = (n: number) => ({ allowed: true, detail: String(n) }) as unknown as Decision;
const header = (n: number) => `By=spiffe://cluster.local/ns/a/sa/app;URI=spiffe://cluster.local/ns/a/sa/caller-${n}`;

describe('XfccDecisions', () => {
  it('answers a header it was given with the same decision', () => {
    const decisions = new XfccDecisions();
    const kept = decision(1);
    expect(decisions.remember(header(1), kept)).toBe(kept);
    expect(decisions.get(header(1))).toBe(kept);
    expect(decisions.get(header(2))).toBeUndefined();
  });

  it('stays bounded when a hop sends ever new headers: it starts over when full', () => {
    const decisions = new XfccDecisions();
    for (let n = 0; n < 5000; n++) decisions.remember(header(n), decision(n));
    expect(decisions.size).toBeLessThanOrEqual(1024);
    expect(decisions.get(header(4999))).toEqual(decision(4999));
  });
});

describe('RecentXfccDecisions', () => {
  // Header strings built afresh, as the HTTP parser hands them over: equal text, another string.
  const fresh = (n: number) => Buffer.from(header(n)).toString('latin1');

  it('answers a header it kept, compared by its text, and nothing for another', () => {
    const recent = new RecentXfccDecisions();
    const kept = decision(1);
    expect(recent.remember(fresh(1), kept)).toBe(kept);
    expect(recent.get(fresh(1))).toBe(kept);
    expect(recent.get(fresh(2))).toBeUndefined();
  });

  it('keeps the last four headers and drops the oldest first', () => {
    const recent = new RecentXfccDecisions();
    for (let n = 1; n <= 5; n++) recent.remember(fresh(n), decision(n));
    expect(recent.get(fresh(1))).toBeUndefined();
    for (let n = 2; n <= 5; n++) expect(recent.get(fresh(n))).toEqual(decision(n));
    recent.remember(fresh(6), decision(6));
    expect(recent.get(fresh(2))).toBeUndefined();
    expect(recent.get(fresh(6))).toEqual(decision(6));
  });
});

describe.each([
  ['XfccDecisions', () => new XfccDecisions()],
  ['RecentXfccDecisions', () => new RecentXfccDecisions()],
])('%s', (_name, make) => {
  it('does not keep long headers (long Chains, forged histories), and still returns their decision', () => {
    const decisions = make();
    const long = `${'By=spiffe://x/y;URI=spiffe://x/z,'.repeat(100)}URI=spiffe://cluster.local/ns/a/sa/b`;
    const kept = decision(3);
    expect(decisions.remember(long, kept)).toBe(kept);
    expect(decisions.get(long)).toBeUndefined();
  });
});
