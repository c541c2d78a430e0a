import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * IP and CIDR values (`ipBlocks`, `remoteIpBlocks`, `source.ip`, `remote.ip`, `destination.ip`).
 * Istio validates with Go's `netip.ParseAddr`/`ParsePrefix` (`pkg/config/security/security.go`
 * ValidateIPs) and Envoy matches with `CidrRange`, which masks host bits. An IPv4 range never matches
 * an IPv6 address; Envoy turns an IPv4-mapped IPv6 peer (`::ffff:a.b.c.d`, what Node reports on a
 * dual-stack socket) into IPv4 first (`source/common/network/address_impl.cc` addressFromSockAddr).
 */

/** A parsed IP or CIDR value. */
export interface ParsedCidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

const PREFIX_LEN = /^(?:0|[1-9][0-9]{0,2})$/;

/**
 * Parses an IP (`10.0.0.1`, `::1`) or CIDR (`10.0.0.0/8`) value; returns an error sentence when invalid.
 * Zones (`fe80::1%eth0`) are refused: Go's `ParsePrefix` refuses them and an address with a zone has
 * no CIDR form Envoy could match.
 *
 * @example
 * ```ts
 * parseCidr('10.1.0.0/16'); // { address: '10.1.0.0', prefix: 16, family: 'ipv4' }
 * parseCidr('10.1.0.0/33'); // "bad CIDR range (10.1.0.0/33): prefix length out of range"
 * ```
 */
export function parseCidr(value: string): ParsedCidr | string {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0 || address.includes('%')) {
    return slash < 0 ? `bad IP address (${value})` : `bad CIDR range (${value}): bad address`;
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (slash < 0) return { address, prefix: max, family };
  const bits = value.slice(slash + 1);
  if (!PREFIX_LEN.test(bits) || Number(bits) > max) return `bad CIDR range (${value}): prefix length out of range`;
  return { address, prefix: Number(bits), family };
}

/**
 * Returns the address Envoy would match for a peer address: IPv4-mapped IPv6 becomes IPv4, anything
 * else is returned unchanged (an invalid address then matches no block).
 *
 * @example
 * ```ts
 * unmapIp('::ffff:10.0.0.7'); // '10.0.0.7'
 * ```
 */
export function unmapIp(ip: string): string {
  if (ip.length > 7 && ip.charCodeAt(0) === 58 && ip.charCodeAt(1) === 58 && ip.charCodeAt(6) === 58) {
    const tag = ip.slice(2, 6);
    if (tag === 'ffff' || tag.toLowerCase() === 'ffff') {
      const v4 = ip.slice(7);
      if (isIPv4(v4)) return v4;
    }
  }
  return ip;
}

/**
 * Parses a dotted-quad IPv4 address to an unsigned 32-bit number without allocating; `-1` when the
 * string is not one (leading zeros refused, as `inet_pton` and Go's `netip` refuse them).
 *
 * @example
 * ```ts
 * ipv4ToNumber('10.0.0.1'); // 167772161
 * ```
 */
export function ipv4ToNumber(ip: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

// Bounded memo of IPv6 BlockList answers: BlockList.check builds a SocketAddress per call (µs).
const MEMO_LIMIT = 1024;

/**
 * An OR over IP/CIDR values. IPv6 blocks live in a `net.BlockList`; IPv4 blocks, by far the common
 * case, are compared as 32-bit numbers, which gives the same answers (the tests compare both) without
 * the per-call `SocketAddress` that `BlockList.check` creates. One structure per family, so an IPv6
 * range never matches an IPv4 peer and the reverse.
 *
 * @example
 * ```ts
 * const set = new IpSet(['10.0.0.0/8', '2001:db8::/32']);
 * set.test('::ffff:10.1.2.3'); // true
 * ```
 */
export class IpSet {
  readonly values: readonly string[];
  readonly #v4: readonly (readonly [network: number, mask: number])[];
  readonly #v6: BlockList | undefined;
  readonly #memo = new Map<string, boolean>();

  /** `values` must be valid (see {@link parseCidr}); invalid ones are ignored. */
  constructor(values: readonly string[]) {
    this.values = values;
    const v4: (readonly [number, number])[] = [];
    let v6: BlockList | undefined;
    for (const v of values) {
      const c = parseCidr(v);
      if (typeof c === 'string') continue;
      if (c.family === 'ipv4') {
        // CidrRange masks host bits: 10.1.2.3/16 is 10.1.0.0/16.
        const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
        v4.push([(ipv4ToNumber(c.address) & mask) >>> 0, mask]);
      } else (v6 ??= new BlockList()).addSubnet(c.address, c.prefix, 'ipv6');
    }
    this.#v4 = v4;
    this.#v6 = v6;
  }

  /** Whether the (raw, possibly IPv4-mapped) address falls in any block. */
  test(ip: string): boolean {
    const a = unmapIp(ip);
    if (!a.includes(':')) {
      const n = ipv4ToNumber(a);
      if (n < 0) return false;
      for (const [network, mask] of this.#v4) if (((n & mask) >>> 0) === network) return true;
      return false;
    }
    if (this.#v6 === undefined) return false;
    let hit = this.#memo.get(a);
    if (hit === undefined) {
      // BlockList.check answers false for a malformed address.
      hit = this.#v6.check(a, 'ipv6');
      if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
      this.#memo.set(a, hit);
    }
    return hit;
  }
}
