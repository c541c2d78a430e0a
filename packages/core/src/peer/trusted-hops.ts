import { BlockList, isIP } from 'node:net';
import { OptionError } from '../errors.js';

/**
 * Where Istio's inbound sidecar connects to the app from: loopback, or `127.0.0.6` / `::6` when
 * the app listens on the pod IP (istio: pilot/pkg/networking/core/listener_address.go
 * `InboundPassthroughBindIpv4/6`). `::6` is not loopback, so it is named on its own.
 */
export const DEFAULT_TRUSTED_PROXIES: readonly string[] = Object.freeze(['127.0.0.0/8', '::1/128', '::6/128']);

/** Decides whether the TCP peer of a connection may speak for its caller through forwarded headers. */
export type TrustedHopCheck = (address: string | undefined) => boolean;

const MAPPED_V4 = '::ffff:';

/**
 * Compiles a list of IPs and CIDRs into one check. IPv4-mapped IPv6 peers (`::ffff:127.0.0.6`,
 * as a dual-stack server sees IPv4 clients) are checked as the IPv4 address they carry.
 *
 * @example
 * ```ts
 * const trusted = trustedHops(['127.0.0.6', '10.0.0.0/8']);
 * trusted(req.socket.remoteAddress); // true for 127.0.0.6 and ::ffff:127.0.0.6
 * ```
 */
export function trustedHops(entries: readonly string[], option = 'trustedProxies'): TrustedHopCheck {
  if (!Array.isArray(entries)) throw new OptionError(option, 'must be an array of IP addresses or CIDR ranges');
  const list = new BlockList();
  entries.forEach((entry, i) => {
    if (typeof entry !== 'string') throw new OptionError(`${option}[${i}]`, 'must be a string');
    const slash = entry.indexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(address);
    if (family === 0) throw new OptionError(`${option}[${i}]`, `is not an IP address or CIDR range: "${entry}"`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      list.addAddress(address, type);
      return;
    }
    const bits = entry.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) {
      throw new OptionError(`${option}[${i}]`, `has an invalid prefix length: "${entry}"`);
    }
    list.addSubnet(address, prefix, type);
  });
  return (address) => {
    if (address === undefined) return false;
    if (address.startsWith(MAPPED_V4) && isIP(address.slice(MAPPED_V4.length)) === 4) {
      return list.check(address.slice(MAPPED_V4.length), 'ipv4');
    }
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
