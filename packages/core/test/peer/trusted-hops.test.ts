import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TRUSTED_PROXIES, trustedHops } from '../../src/peer/trusted-hops.js';
import { OptionError } from '../../src/errors.js';

describe('trustedHops', () => {
  const defaults = trustedHops(DEFAULT_TRUSTED_PROXIES);

  // Istio's inbound sidecar connects from 127.0.0.6 / ::6 when the app listens on the pod IP,
  // from 127.0.0.1 / ::1 when it listens on localhost
  // (istio: pilot/pkg/networking/core/listener_address.go InboundPassthroughBindIpv4/6).
  it.each(['127.0.0.1', '127.0.0.6', '::1', '::6', '::ffff:127.0.0.6'])('trusts %s by default', (address) => {
    expect(defaults(address)).toBe(true);
  });

  it.each(['10.1.2.3', '192.168.0.1', '::2', 'fe80::1', '::ffff:10.0.0.1', '', 'not-an-ip', undefined])(
    'does not trust %s by default',
    (address) => {
      expect(defaults(address)).toBe(false);
    },
  );

  it('matches single addresses and CIDR ranges of both families', () => {
    const check = trustedHops(['127.0.0.6', '10.0.0.0/8', 'fd00::/8']);
    expect(check('127.0.0.6')).toBe(true);
    expect(check('127.0.0.1')).toBe(false);
    expect(check('10.255.0.1')).toBe(true);
    expect(check('11.0.0.1')).toBe(false);
    expect(check('fd12::1')).toBe(true);
    expect(check('::ffff:10.9.9.9')).toBe(true);
  });

  it('trusts nobody when given an empty list', () => {
    expect(trustedHops([])('127.0.0.1')).toBe(false);
  });

  it.each([['localhost'], ['10.0.0.0/33'], ['::/129'], ['10.0.0.0/x'], ['10.0.0.0/']])('rejects %s at construction, naming the option', (entry) => {
    expect(() => trustedHops([entry])).toThrow(OptionError);
    expect(() => trustedHops([entry])).toThrow(/"trustedProxies\[0\]" option is invalid/);
  });
});
