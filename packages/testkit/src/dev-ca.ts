import { type KeyObject, X509Certificate } from 'node:crypto';
import { type ExtKeyUsageName, type KeyUsageName, type RawExtension, buildCertificate } from './cert-builder.js';
import { type KeyAlgorithm, generateKeyPair } from './keys.js';
import { toPem } from './pem.js';
import { type Svid, type SvidOptions, issueSvidFrom } from './svid.js';

const HOUR = 3600_000;
const YEAR = 365 * 24 * HOUR;

/**
 * Options of {@link createDevCa}. Everything but `trustDomain` has a sensible default.
 *
 * @example
 * ```ts
 * const expiredRoot = createDevCa({ trustDomain: 'old.test', notBefore: new Date(0), notAfter: new Date(1000) });
 * ```
 */
export interface DevCaOptions {
  /** The trust domain this CA issues for, e.g. `cluster.local`. Not validated, so broken ones can be made. */
  trustDomain: string;
  /** Subject common name. Default `<trustDomain> dev root CA` (or `... intermediate CA`). */
  commonName?: string;
  /** Default `P-256`. */
  keyAlgorithm?: KeyAlgorithm;
  /** Default one hour ago. */
  notBefore?: Date;
  /** Default one year from now. */
  notAfter?: Date;
  /** basicConstraints pathLenConstraint; default none. */
  pathLen?: number;
  /** The CA's URI SAN; default `spiffe://<trustDomain>` (X509-SVID.md §3.2: a signing certificate's ID has no path). `null` for none. */
  uri?: string | null;
  /** basicConstraints cA. Default `true`; `false` makes a "CA" that is not one, for negative tests. */
  isCa?: boolean;
  /** keyUsage bits; default `keyCertSign` and `cRLSign`. `null` leaves the extension out. */
  keyUsage?: readonly KeyUsageName[] | null;
  /** extKeyUsage purposes; default none. */
  extKeyUsage?: readonly ExtKeyUsageName[] | null;
  /** Extra extensions written as given. */
  extensions?: readonly RawExtension[];
}

/**
 * Options of {@link DevCa.createIntermediate}: as {@link DevCaOptions}, with the trust domain defaulting to the parent's.
 *
 * @example
 * ```ts
 * const notACa = root.createIntermediate({ isCa: false }); // its SVIDs fail with 'intermediate-not-ca'
 * ```
 */
export type IntermediateOptions = Partial<DevCaOptions>;

let construct: (options: DevCaOptions, kind: string, parent: DevCa | undefined) => DevCa;

/**
 * A throw-away certificate authority for tests: a root (from {@link createDevCa}) or an
 * intermediate (from {@link DevCa.createIntermediate}), able to issue X.509-SVIDs, good or broken.
 * Everything is synchronous and in memory.
 *
 * @example
 * ```ts
 * const ca = createDevCa({ trustDomain: 'cluster.local' });
 * const svid = ca.issueSvid({ path: '/ns/shop/sa/frontend' });
 * https.request(url, { cert: svid.chainPem, key: svid.keyPem, ca: ca.certPem });
 * ```
 */
export class DevCa {
  /** The trust domain this CA issues for. */
  readonly trustDomain: string;
  /** The CA certificate. */
  readonly cert: X509Certificate;
  /** The CA certificate's DER. */
  readonly der: Buffer;
  /** The CA certificate as PEM. */
  readonly certPem: string;
  /** The CA's private key. */
  readonly privateKey: KeyObject;
  /** The CA's private key as PKCS#8 PEM. */
  readonly keyPem: string;
  /** The CA that signed this one; `undefined` for a root. */
  readonly parent: DevCa | undefined;

  private constructor(options: DevCaOptions, kind: string, parent: DevCa | undefined) {
    const now = Date.now();
    const keys = generateKeyPair(options.keyAlgorithm);
    const uri = options.uri === undefined ? `spiffe://${options.trustDomain}` : options.uri;
    this.der = buildCertificate({
      publicKey: keys.publicKey,
      signer: parent === undefined ? { privateKey: keys.privateKey } : { privateKey: parent.privateKey, cert: parent.cert },
      commonName: options.commonName ?? `${options.trustDomain} dev ${kind} CA`,
      notBefore: options.notBefore ?? new Date(now - HOUR),
      notAfter: options.notAfter ?? new Date(now + YEAR),
      basicConstraints: { cA: options.isCa ?? true, ...(options.pathLen === undefined ? {} : { pathLen: options.pathLen }) },
      keyUsage: options.keyUsage === undefined ? ['keyCertSign', 'cRLSign'] : options.keyUsage,
      extKeyUsage: options.extKeyUsage ?? null,
      uris: uri === null ? [] : [uri],
      extensions: options.extensions ?? [],
    });
    this.trustDomain = options.trustDomain;
    this.cert = new X509Certificate(this.der);
    this.certPem = toPem(this.der);
    this.privateKey = keys.privateKey;
    this.keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.parent = parent;
  }

  static {
    construct = (options, kind, parent) => new DevCa(options, kind, parent);
  }

  /**
   * The root at the top of this CA's chain (itself for a root).
   *
   * @example
   * ```ts
   * TrustBundleSet.from({ [ca.trustDomain]: intermediate.root.certPem });
   * ```
   */
  get root(): DevCa {
    return this.parent === undefined ? this : this.parent.root;
  }

  /**
   * DER of this CA and the intermediates above it, root excluded: what a peer sends after its leaf.
   * Empty for a root.
   *
   * @example
   * ```ts
   * verifyX509Svid([leafDer, ...intermediate.chain], bundles);
   * ```
   */
  get chain(): readonly Buffer[] {
    return this.parent === undefined ? [] : [this.der, ...this.parent.chain];
  }

  /**
   * Creates a CA signed by this one. Its trust domain defaults to this CA's; give another to
   * model a signing certificate that issues for a different trust domain (X509-SVID.md §3.2).
   *
   * @example
   * ```ts
   * const root = createDevCa({ trustDomain: 'example.org' });
   * const issuing = root.createIntermediate();
   * const svid = issuing.issueSvid({ path: '/api' }); // svid.chainPem = leaf + intermediate
   * ```
   */
  createIntermediate(options: IntermediateOptions = {}): DevCa {
    return construct({ ...options, trustDomain: options.trustDomain ?? this.trustDomain }, 'intermediate', this);
  }

  /**
   * Issues an X.509-SVID signed by this CA. With no options it is a valid SVID for
   * `spiffe://<trustDomain>/ns/default/sa/default`; options make any part of it wrong on purpose.
   *
   * @example
   * ```ts
   * const good = ca.issueSvid({ path: '/ns/shop/sa/frontend' });
   * const twoUris = ca.issueSvid({ uris: ['spiffe://cluster.local/a', 'spiffe://cluster.local/b'] });
   * const expired = ca.issueSvid({ notAfter: new Date(Date.now() - 1000) });
   * ```
   */
  issueSvid(options: SvidOptions = {}): Svid {
    return issueSvidFrom(this, options);
  }
}

/**
 * Creates a self-signed dev root CA for a trust domain.
 *
 * @example
 * ```ts
 * const ca = createDevCa({ trustDomain: 'cluster.local' });
 * const bundles = TrustBundleSet.from({ 'cluster.local': ca.certPem });
 * ```
 */
export function createDevCa(options: DevCaOptions): DevCa {
  if (typeof options?.trustDomain !== 'string') throw new TypeError('createDevCa: "trustDomain" option must be a string');
  return construct(options, 'root', undefined);
}
