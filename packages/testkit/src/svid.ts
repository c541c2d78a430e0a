import { type KeyObject, X509Certificate } from 'node:crypto';
import { type ExtKeyUsageName, type KeyUsageName, type RawExtension, buildCertificate } from './cert-builder.js';
import type { DevCa } from './dev-ca.js';
import { type KeyAlgorithm, generateKeyPair } from './keys.js';
import { toPem } from './pem.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Options of {@link DevCa.issueSvid}. The defaults give a valid SVID; each option can break one
 * rule of X509-SVID.md on purpose.
 *
 * @example
 * ```ts
 * ca.issueSvid({ path: '/ns/shop/sa/frontend', dnsNames: ['frontend.shop.svc'] });
 * ca.issueSvid({ uris: [] });            // no URI SAN
 * ca.issueSvid({ isCa: true });          // a CA posing as a leaf
 * ca.issueSvid({ keyUsage: null });      // no keyUsage extension
 * ca.issueSvid({ signer: otherTrustDomainCa }); // chains to the wrong trust domain
 * ```
 */
export interface SvidOptions {
  /** The full SPIFFE ID. Default `spiffe://<trustDomain><path>`. */
  id?: string;
  /** The path, used when `id` is not given. Default `/ns/default/sa/default` (Istio's form). */
  path?: string;
  /** The exact URI SANs to write instead of `[id]`: none, two, a non-SPIFFE URI... */
  uris?: readonly string[];
  /** DNS SANs. Default none. */
  dnsNames?: readonly string[];
  /** Subject common name. Default none: an empty subject, with a critical SAN extension. */
  commonName?: string;
  /** basicConstraints cA. Default `false`. */
  isCa?: boolean;
  /** keyUsage bits. Default `['digitalSignature']`; `null` leaves the extension out. */
  keyUsage?: readonly KeyUsageName[] | null;
  /** Whether keyUsage is marked critical. Default `true`. */
  keyUsageCritical?: boolean;
  /** extKeyUsage purposes. Default `['serverAuth', 'clientAuth']`; `null` leaves the extension out. */
  extKeyUsage?: readonly ExtKeyUsageName[] | null;
  /** Default five minutes ago. */
  notBefore?: Date;
  /** Default one day from now. */
  notAfter?: Date;
  /** Default `P-256`. */
  keyAlgorithm?: KeyAlgorithm;
  /**
   * Sign with another CA (its key and its name) while the ID keeps defaulting to this CA's trust
   * domain: a leaf that claims one trust domain but chains to another's root.
   */
  signer?: DevCa;
  /** Extra extensions written as given, e.g. an unknown critical one. */
  extensions?: readonly RawExtension[];
}

/**
 * An issued X.509-SVID with its key, in the shapes tests need.
 *
 * @example
 * ```ts
 * const svid = ca.issueSvid();
 * tls.connect({ port, cert: svid.chainPem, key: svid.keyPem, ca: ca.certPem });
 * verifyX509Svid(svid.chain, bundles).toString() === svid.id; // true
 * ```
 */
export interface Svid {
  /** The SPIFFE ID the SVID was issued for (the certificate carries `uris` instead when that option is given). */
  readonly id: string;
  /** The leaf certificate as PEM. */
  readonly certPem: string;
  /** The private key as PKCS#8 PEM. */
  readonly keyPem: string;
  /** Leaf then intermediates as PEM, root excluded: ready for the `cert` option of `tls`. */
  readonly chainPem: string;
  /** The leaf's DER. */
  readonly der: Buffer;
  /** Leaf then intermediates as DER, root excluded: what `verifyX509Svid` takes. */
  readonly chain: readonly Buffer[];
  /** The leaf certificate. */
  readonly cert: X509Certificate;
  /** The private key. */
  readonly privateKey: KeyObject;
}

/** Issues an SVID from `ca`; the implementation of {@link DevCa.issueSvid}. @internal */
export function issueSvidFrom(ca: DevCa, options: SvidOptions): Svid {
  const now = Date.now();
  const signer = options.signer ?? ca;
  const id = options.id ?? `spiffe://${ca.trustDomain}${options.path ?? '/ns/default/sa/default'}`;
  const keys = generateKeyPair(options.keyAlgorithm);
  const der = buildCertificate({
    publicKey: keys.publicKey,
    signer: { privateKey: signer.privateKey, cert: signer.cert },
    ...(options.commonName === undefined ? {} : { commonName: options.commonName }),
    notBefore: options.notBefore ?? new Date(now - 5 * MINUTE),
    notAfter: options.notAfter ?? new Date(now + DAY),
    basicConstraints: { cA: options.isCa ?? false },
    keyUsage: options.keyUsage === undefined ? ['digitalSignature'] : options.keyUsage,
    ...(options.keyUsageCritical === undefined ? {} : { keyUsageCritical: options.keyUsageCritical }),
    extKeyUsage: options.extKeyUsage === undefined ? ['serverAuth', 'clientAuth'] : options.extKeyUsage,
    uris: options.uris ?? [id],
    dnsNames: options.dnsNames ?? [],
    extensions: options.extensions ?? [],
  });
  const chain = [der, ...signer.chain];
  return {
    id,
    certPem: toPem(der),
    keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    chainPem: chain.map((c) => toPem(c)).join(''),
    der,
    chain,
    cert: new X509Certificate(der),
    privateKey: keys.privateKey,
  };
}
