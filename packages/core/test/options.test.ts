import { describe, expect, it } from '@jest/globals';
import { resolveOptions, type MeshAuthOptions } from '../src/options.js';
import { OptionError } from '../src/errors.js';

describe('resolveOptions', () => {
  it('has safe defaults: auto mode, loopback hops trusted, no peer required', () => {
    const options = resolveOptions();
    expect(options.mode).toBe('auto');
    expect(options.requirePeer).toBe(false);
    expect(options.isTrustedHop('127.0.0.6')).toBe(true);
    expect(options.isTrustedHop('10.0.0.1')).toBe(false);
    expect(options.bundles.trustDomains).toEqual([]);
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown option (a typo)', { requirePeers: true }, /"requirePeers" option is not a known option/],
    ['an unknown mode', { mode: 'mtls' }, /"mode" option must be one of "auto", "tls", "xfcc"/],
    ['tls mode without bundles', { mode: 'tls' }, /"trustBundles" option is required when "mode" is "tls"/],
    ['a non-boolean requirePeer', { requirePeer: 'yes' }, /"requirePeer" option must be a boolean/],
    ['an expectBy that is not a SPIFFE ID', { xfcc: { expectBy: 'cluster.local/ns/a/sa/b' } }, /"xfcc.expectBy" option must be this workload's SPIFFE ID/],
    ['an unknown xfcc option', { xfcc: { sanitizeSet: true } }, /"xfcc.sanitizeSet" option is not a known option/],
    ['an invalid trust domain', { trustDomains: ['Cluster.Local'] }, /"trustDomains\[0\]" option is invalid/],
    ['an empty trust domain list', { trustDomains: [] }, /"trustDomains" option must be a non-empty array/],
    ['a bad trusted proxy', { trustedProxies: ['10.0.0.0/40'] }, /"trustedProxies\[0\]" option is invalid: bad CIDR range/],
    ['a bundle that is not PEM', { trustBundles: { 'cluster.local': 'not a pem' } }, /"trustBundles" option is invalid/],
    ['a non-function onDecision', { onDecision: 'log' }, /"onDecision" option must be a function/],
  ];
  it.each(bad)('refuses %s with a message naming the option', (_what, options, message) => {
    expect(() => resolveOptions(options as MeshAuthOptions)).toThrow(OptionError);
    expect(() => resolveOptions(options as MeshAuthOptions)).toThrow(message);
  });

  it('normalizes expectBy and trust domains', () => {
    const options = resolveOptions({ xfcc: { expectBy: 'spiffe://cluster.local/ns/shop/sa/orders' }, trustDomains: ['cluster.local'] });
    expect(options.xfcc.expectBy).toBe('spiffe://cluster.local/ns/shop/sa/orders');
    expect(options.trustDomains?.has('cluster.local')).toBe(true);
  });
});
