import type { Decision } from './decision.js';

/** Distinct headers kept; a sidecar writes one per caller workload, so this covers large meshes. */
const MAX_ENTRIES = 1024;
/** Longer headers (long `Chain`s, forged histories) are decided afresh each time rather than kept. */
const MAX_HEADER_LENGTH = 2048;
/** Headers kept per connection: a sidecar's pooled connection carries a few callers in turn. */
const RECENT_SLOTS = 4;

const keepable = (header: string): boolean => header.length <= MAX_HEADER_LENGTH;

/**
 * Identity decisions by `X-Forwarded-Client-Cert` value, shared by every connection whose identity
 * the header alone decides (a trusted hop, no TLS peer to prefer). A sidecar's pooled connections
 * carry whichever callers come in, so the per-connection cache misses whenever callers alternate;
 * this one turns the parse, SPIFFE ID check and decision into a map lookup. A decision made from
 * the header alone is the same for every such connection and never expires, so a hit is exactly
 * what deciding again would give. When full it starts over: no per-hit bookkeeping, bounded memory.
 *
 * @example
 * ```ts
 * const decisions = new XfccDecisions();
 * const decision = decisions.get(header) ?? decisions.remember(header, decideFromHeader(header));
 * ```
 */
export class XfccDecisions {
  readonly #byHeader = new Map<string, Decision>();

  get(header: string): Decision | undefined {
    return this.#byHeader.get(header);
  }

  /** Keeps `decision` for `header` (unless the header is too long to keep) and returns it. */
  remember(header: string, decision: Decision): Decision {
    if (keepable(header)) {
      if (this.#byHeader.size >= MAX_ENTRIES) this.#byHeader.clear();
      this.#byHeader.set(header, decision);
    }
    return decision;
  }

  get size(): number {
    return this.#byHeader.size;
  }
}

/**
 * The decisions for the last few `X-Forwarded-Client-Cert` values one connection carried, in
 * front of {@link XfccDecisions}. A header arrives as a new string with no hash computed; finding
 * it in a Map hashes all of it, while comparing it with a few kept strings stops at the first
 * differing character (a different caller's `Hash=`) or, on a hit, costs one memory compare.
 * Only for connections whose identity the header alone decides, so a hit is exactly what deciding
 * again would give. The oldest slot is replaced first.
 *
 * @example
 * ```ts
 * const recent = new RecentXfccDecisions();
 * const decision = recent.get(header) ?? recent.remember(header, decisions.get(header) ?? decide(header));
 * ```
 */
export class RecentXfccDecisions {
  // Filled as they are used: a connection with one caller allocates one slot.
  private readonly headers: string[] = [];
  private readonly decisions: Decision[] = [];
  private next = 0;

  get(header: string): Decision | undefined {
    const { headers } = this;
    for (let i = 0; i < headers.length; i++) if (headers[i] === header) return this.decisions[i];
    return undefined;
  }

  /** Keeps `decision` for `header` in the oldest slot (unless the header is too long to keep) and returns it. */
  remember(header: string, decision: Decision): Decision {
    if (keepable(header)) {
      this.headers[this.next] = header;
      this.decisions[this.next] = decision;
      this.next = (this.next + 1) % RECENT_SLOTS;
    }
    return decision;
  }
}
