import { OptionError } from '../errors.js';
import { IpSet, parseCidr } from '../policy/ip-match.js';

/**
 * Where Istio's inbound sidecar connects to the app from: loopback, or `127.0.0.6` / `::6` when
 * the app listens on the pod IP (istio: pilot/pkg/networking/core/listener_address.go
 * `InboundPassthroughBindIpv4/6`). `::6` is not loopback, so it is named on its own.
 */
export const DEFAULT_TRUSTED_PROXIES: readonly string[] = Object.freeze(['127.0.0.0/8', '::1/128', '::6/128']);

/** Decides whether the TCP peer of a connection may speak for its caller through forwarded headers. */
export type TrustedHopCheck = (address: string | undefined) => boolean;

/**
 * Compiles a list of IPs and CIDRs into one check. IPv4-mapped IPv6 peers (`::ffff:127.0.0.6`,
 * as a dual-stack server sees IPv4 clients) are checked as the IPv4 address they carry. The same
 * matcher as AuthorizationPolicy `ipBlocks`, so "trusted hop" and policy IP rules agree.
 *
 * @example
 * ```ts
 * const trusted = trustedHops(['127.0.0.6', '10.0.0.0/8']);
 * trusted(req.socket.remoteAddress); // true for 127.0.0.6 and ::ffff:127.0.0.6
 * ```
 */
export function trustedHops(entries: readonly string[], option = 'trustedProxies'): TrustedHopCheck {
  if (!Array.isArray(entries)) throw new OptionError(option, 'must be an array of IP addresses or CIDR ranges');
  entries.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string') throw new OptionError(`${option}[${i}]`, 'must be a string');
    const parsed = parseCidr(entry);
    if (typeof parsed === 'string') throw new OptionError(`${option}[${i}]`, `is invalid: ${parsed}`);
  });
  const set = new IpSet(entries);
  return (address) => address !== undefined && set.test(address);
}
