import { X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CertificateProfile, extensionName, readCertificateProfile } from './cert-extensions.js';
import { parsePem } from './pem.js';
import { TrustBundleError } from './trust-bundle-error.js';
import { TrustDomain } from './trust-domain.js';

/**
 * Where a trust domain's root certificates come from: PEM text with one or more `CERTIFICATE`
 * blocks, the same as bytes, or `{ file }` naming a PEM file. A string is always PEM, never a path.
 *
 * @example
 * ```ts
 * const sources: TrustBundleSource[] = [rootPem, fs.readFileSync('next-root.pem'), { file: '/etc/certs/root-cert.pem' }];
 * ```
 */
export type TrustBundleSource = string | Buffer | { file: string };

/**
 * Roots per trust domain name, or an already built set.
 *
 * @example
 * ```ts
 * const input: TrustBundleInput = { 'cluster.local': { file: '/etc/certs/root-cert.pem' }, 'partner.example': [pemA, pemB] };
 * ```
 */
export type TrustBundleInput =
  | TrustBundleSet
  | Readonly<Record<string, TrustBundleSource | readonly TrustBundleSource[]>>;

/** A root with what verification needs precomputed once at load time. @internal */
export interface TrustAnchor {
  readonly cert: X509Certificate;
  readonly publicKey: KeyObject;
  readonly profile: CertificateProfile;
}

let anchorsOf: (set: TrustBundleSet, trustDomain: string) => readonly TrustAnchor[] | undefined;

function describe(source: TrustBundleSource, index: number | undefined): string {
  const what = typeof source === 'string' ? 'PEM text' : source instanceof Uint8Array ? 'PEM bytes' : `file ${JSON.stringify(source.file)}`;
  return index === undefined ? what : `entry ${index} (${what})`;
}

function readText(td: string, source: TrustBundleSource, where: string): string {
  if (typeof source === 'string') return source;
  if (source instanceof Uint8Array) return Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('utf8');
  if (typeof source === 'object' && source !== null && typeof source.file === 'string') {
    try {
      return readFileSync(source.file, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code ?? 'error';
      throw new TrustBundleError(td, 'unreadable-file', `cannot read ${where}: ${code}`, { cause });
    }
  }
  throw new TrustBundleError(td, 'invalid-source', `${where} must be PEM text, PEM bytes or { file: path }`);
}

function loadAnchor(td: string, der: Buffer, where: string): TrustAnchor {
  let cert: X509Certificate;
  let profile: CertificateProfile;
  try {
    cert = new X509Certificate(der);
    profile = readCertificateProfile(cert.raw);
  } catch (cause) {
    throw new TrustBundleError(td, 'malformed-certificate', `${where} is not a valid X.509 certificate`, { cause });
  }
  // A root must be able to sign certificates (X509-SVID.md §3.2, §4.1, §4.3). basicConstraints is
  // read from the DER: Node's `ca` is false for cA:TRUE without keyCertSign.
  if (!profile.isCa) throw new TrustBundleError(td, 'not-ca', `${where} is not a CA certificate (basicConstraints cA is not true)`);
  if (profile.keyUsage !== undefined && !profile.keyUsage.keyCertSign) {
    throw new TrustBundleError(td, 'not-ca', `${where} is a CA whose keyUsage lacks keyCertSign, so it cannot sign certificates`);
  }
  const [oid] = profile.unhandledCritical;
  if (oid !== undefined) {
    throw new TrustBundleError(td, 'unhandled-critical-extension', `${where} has a critical ${extensionName(oid)} extension, which SVID verification does not process`);
  }
  return { cert, publicKey: cert.publicKey, profile };
}

function loadSource(td: string, source: TrustBundleSource, index: number | undefined, into: Map<string, TrustAnchor>): void {
  const where = describe(source, index);
  const text = readText(td, source, where);
  let blocks;
  try {
    blocks = parsePem(text);
  } catch (cause) {
    throw new TrustBundleError(td, 'malformed-pem', `${where} is not well-formed PEM: ${(cause as Error).message}`, { cause });
  }
  if (blocks === undefined) {
    throw new TrustBundleError(td, 'not-pem', `${where} is not PEM (no "-----BEGIN" line); pass { file: path } to read a file`);
  }
  let n = 0;
  for (const block of blocks) {
    if (block.label !== 'CERTIFICATE') continue;
    n++;
    const anchor = loadAnchor(td, block.der, `certificate ${n} of ${where}`);
    into.set(anchor.cert.fingerprint256, anchor);
  }
  if (n === 0) throw new TrustBundleError(td, 'no-certificate', `${where} contains no CERTIFICATE block`);
}

/**
 * X.509 roots per SPIFFE trust domain. A certificate is only ever checked against the roots of
 * its own SPIFFE ID's trust domain, never against one flat pool
 * (spiffe/standards/SPIFFE_Trust_Domain_and_Bundle.md §3; identity-and-xfcc.md §4).
 *
 * @example
 * ```ts
 * const bundles = TrustBundleSet.from({
 *   'cluster.local': { file: '/etc/istio/root-cert.pem' },
 *   'partner.example': [partnerRootPem, partnerNextRootPem],
 * });
 * bundles.get('cluster.local')?.length; // number of roots
 * ```
 */
export class TrustBundleSet {
  /** Names of the trust domains that have a bundle, in input order. */
  readonly trustDomains: readonly string[];
  readonly #anchors: ReadonlyMap<string, readonly TrustAnchor[]>;
  readonly #certs: ReadonlyMap<string, readonly X509Certificate[]>;

  private constructor(anchors: Map<string, readonly TrustAnchor[]>) {
    this.#anchors = anchors;
    this.#certs = new Map([...anchors].map(([td, list]) => [td, Object.freeze(list.map((a) => a.cert))]));
    this.trustDomains = Object.freeze([...anchors.keys()]);
  }

  static {
    anchorsOf = (set, td) => set.#anchors.get(td);
  }

  /**
   * Loads and checks every root synchronously: meant for start-up, where a bad bundle should stop
   * the process with a clear message. Duplicate roots within a trust domain are kept once.
   *
   * @throws {TrustBundleError} naming the trust domain and what is wrong: an invalid trust domain
   *   name, a string that is not PEM, an unreadable file, no CERTIFICATE block, a certificate that
   *   does not parse, a root that is not a CA, or a root with a critical extension not processed.
   * @example
   * ```ts
   * const bundles = TrustBundleSet.from({ 'example.org': fs.readFileSync('root.pem') });
   * ```
   */
  static from(input: TrustBundleInput): TrustBundleSet {
    if (input instanceof TrustBundleSet) return input;
    const anchors = new Map<string, readonly TrustAnchor[]>();
    for (const [name, value] of Object.entries(input)) {
      try {
        TrustDomain.parse(name);
      } catch (cause) {
        throw new TrustBundleError(name, 'invalid-trust-domain', `the key is not a valid trust domain name: ${(cause as Error).message}`, { cause });
      }
      const sources: readonly TrustBundleSource[] = Array.isArray(value) ? value : [value as TrustBundleSource];
      if (sources.length === 0) throw new TrustBundleError(name, 'no-certificate', 'the list of sources is empty');
      const roots = new Map<string, TrustAnchor>();
      sources.forEach((source, i) => loadSource(name, source, sources.length > 1 ? i : undefined, roots));
      anchors.set(name, Object.freeze([...roots.values()]));
    }
    return new TrustBundleSet(anchors);
  }

  /**
   * The roots of one trust domain, or `undefined` when there is no bundle for it.
   *
   * @example
   * ```ts
   * const roots = bundles.get(SpiffeId.parse(id).trustDomain);
   * ```
   */
  get(trustDomain: TrustDomain | string): readonly X509Certificate[] | undefined {
    return this.#certs.get(typeof trustDomain === 'string' ? trustDomain : trustDomain.name);
  }
}

/** The precomputed roots of a trust domain, for the verifier. @internal */
export function trustAnchors(set: TrustBundleSet, trustDomain: string): readonly TrustAnchor[] | undefined {
  return anchorsOf(set, trustDomain);
}
