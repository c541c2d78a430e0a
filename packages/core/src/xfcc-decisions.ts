import type { Decision } from './decision.js';

/** Distinct headers kept; a sidecar writes one per caller workload, so this covers large meshes. */
const MAX_ENTRIES = 1024;
/** Longer headers (long `Chain`s, forged histories) are decided afresh each time rather than kept. */
const MAX_HEADER_LENGTH = 2048;

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
    if (header.length <= MAX_HEADER_LENGTH) {
      if (this.#byHeader.size >= MAX_ENTRIES) this.#byHeader.clear();
      this.#byHeader.set(header, decision);
    }
    return decision;
  }

  get size(): number {
    return this.#byHeader.size;
  }
}
