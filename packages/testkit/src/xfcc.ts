import { X509Certificate, createHash } from 'node:crypto';

/**
 * The fields of one XFCC element, named as `@meshauth/core`'s `XfccElement` so a parsed element
 * can be passed straight back in. Lists are `readonly` here because the builder only reads them.
 *
 * @example
 * ```ts
 * const element: Partial<XfccElementFields> = {
 *   by: ['spiffe://cluster.local/ns/shop/sa/orders'],
 *   uri: ['spiffe://cluster.local/ns/shop/sa/frontend'],
 * };
 * ```
 */
export interface XfccElementFields {
  /** `By` pairs: URI SANs of the proxy that writes the element. */
  by: readonly string[];
  /** `Hash`: hex SHA-256 of the client certificate's DER. */
  hash: string | null;
  /** `Cert`: the client certificate as PEM (the builder URL-encodes it). */
  cert: string | null;
  /** `Chain`: the client chain including the leaf as PEM (the builder URL-encodes it). */
  chain: string | null;
  /** `Subject`: the client certificate's subject. */
  subject: string | null;
  /** `URI` pairs: URI SANs of the client certificate. */
  uri: readonly string[];
  /** `DNS` pairs: DNS SANs of the client certificate. */
  dns: readonly string[];
}

/**
 * Formats one XFCC element the way Envoy writes it
 * (envoy: source/common/http/conn_manager_utility.cc `mutateXfccRequestHeader`):
 * - pairs in Envoy's fixed order `By`*, `Hash`, `Cert`, `Chain`, `Subject`, `URI`*, `DNS`*
 *   (config.cc pushes the details in that order), joined by `;`;
 * - `By`, `Hash`, `URI`, `DNS` unquoted and unescaped, as Envoy writes them (its
 *   `TODO(myidpt): Handle the special characters in By and URI fields`), so a SAN containing
 *   `,` or `;` yields the same injection-shaped header a real proxy would;
 * - `Subject`, `Cert`, `Chain` double-quoted; `Cert`/`Chain` URL-encoded with Envoy's five
 *   substitutions `\n`→`%0A`, ` `→`%20`, `+`→`%2B`, `/`→`%2F`, `=`→`%3D`
 *   (envoy: source/common/tls/connection_info_impl_base.cc `urlEncodedPemEncodedPeerCertificate`).
 *
 * Two additions make every element survive a parse round trip; neither changes the output for
 * real certificates and subjects: `%` in `Cert`/`Chain` becomes `%25` (PEM never contains `%`),
 * and `"` and `\` inside quoted values are backslash-escaped (Envoy writes the subject raw).
 * A `null` or missing field writes no pair; an empty list writes no pair, while `''` writes an
 * empty pair (`Subject=""`, `URI=`).
 *
 * @example
 * ```ts
 * formatXfccElement({
 *   by: ['spiffe://cluster.local/ns/shop/sa/orders'],
 *   subject: '',
 *   uri: ['spiffe://cluster.local/ns/shop/sa/frontend'],
 * });
 * // 'By=spiffe://cluster.local/ns/shop/sa/orders;Subject="";URI=spiffe://cluster.local/ns/shop/sa/frontend'
 * ```
 */
export function formatXfccElement(element: Partial<XfccElementFields>): string {
  const pairs: string[] = [];
  for (const by of element.by ?? []) pairs.push(`By=${by}`);
  if (element.hash != null) pairs.push(`Hash=${element.hash}`);
  if (element.cert != null) pairs.push(`Cert=${quote(urlEncodePem(element.cert))}`);
  if (element.chain != null) pairs.push(`Chain=${quote(urlEncodePem(element.chain))}`);
  if (element.subject != null) pairs.push(`Subject=${quote(element.subject)}`);
  for (const uri of element.uri ?? []) pairs.push(`URI=${uri}`);
  for (const dns of element.dns ?? []) pairs.push(`DNS=${dns}`);
  return pairs.join(';');
}

/**
 * Builds a whole `X-Forwarded-Client-Cert` value: the elements formatted with
 * {@link formatXfccElement} and joined by `,` with no space, as Envoy appends
 * (`appendForwardedClientCert(..., ",")`). List them oldest first: the last element is the one
 * the app's own sidecar writes.
 *
 * @example
 * ```ts
 * // A forged element prepended by an mTLS peer, then the sidecar's own element (the one to trust).
 * const header = buildXfcc([
 *   { by: ['spiffe://cluster.local/ns/shop/sa/orders'], uri: ['spiffe://cluster.local/ns/shop/sa/admin'] },
 *   { by: ['spiffe://cluster.local/ns/shop/sa/orders'], subject: '', uri: ['spiffe://cluster.local/ns/shop/sa/frontend'] },
 * ]);
 * await request(app).get('/orders').set('x-forwarded-client-cert', header);
 * ```
 */
export function buildXfcc(elements: readonly Partial<XfccElementFields>[]): string {
  return elements.map(formatXfccElement).join(',');
}

/**
 * Options of {@link istioSidecarXfcc}.
 *
 * @example
 * ```ts
 * const options: IstioSidecarXfccOptions = {
 *   by: 'spiffe://cluster.local/ns/shop/sa/orders',
 *   uri: 'spiffe://cluster.local/ns/shop/sa/frontend',
 * };
 * ```
 */
export interface IstioSidecarXfccOptions {
  /** The app's own SPIFFE ID (the sidecar's certificate URI SAN). */
  by: string;
  /** The caller's SPIFFE ID (the client certificate's URI SAN). */
  uri: string;
  /** `Hash` to write as is; mutually exclusive with `certPem`. */
  hash?: string;
  /** The caller's certificate: `Hash` becomes the lowercase hex SHA-256 of its DER, as Envoy computes it. */
  certPem?: string;
}

/**
 * The header Istio's inbound sidecar gives the app by default: one element
 * `By=<app>;Hash=<64 hex>;Subject="";URI=<caller>`. Istio configures APPEND_FORWARD with
 * Subject, URI and DNS details (istio: pilot/pkg/networking/core/listener_inbound.go
 * `buildSidecarInboundHTTPOpts`); its workload certificates have an empty subject, one URI SAN
 * and no DNS SAN, so `Subject=""` and no `DNS` pair.
 *
 * `Hash` is the SHA-256 of `certPem`'s DER when given, `hash` when given, otherwise a
 * deterministic placeholder (the SHA-256 of the `uri` string) that has the right shape but
 * belongs to no certificate.
 *
 * @throws TypeError when both `hash` and `certPem` are given.
 *
 * @example
 * ```ts
 * const header = istioSidecarXfcc({
 *   by: 'spiffe://cluster.local/ns/shop/sa/orders',
 *   uri: 'spiffe://cluster.local/ns/shop/sa/frontend',
 * });
 * // 'By=spiffe://cluster.local/ns/shop/sa/orders;Hash=<64 hex>;Subject="";URI=spiffe://cluster.local/ns/shop/sa/frontend'
 * await request(app).get('/orders').set('x-forwarded-client-cert', header);
 * ```
 */
export function istioSidecarXfcc(options: IstioSidecarXfccOptions): string {
  const { by, uri, hash, certPem } = options;
  if (hash !== undefined && certPem !== undefined) {
    throw new TypeError('istioSidecarXfcc: pass either "hash" or "certPem", not both');
  }
  let digest: string;
  if (certPem !== undefined) {
    // Envoy hashes the DER of the presented certificate (connection_info_impl_base.cc `sha256PeerCertificateDigest`).
    digest = createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
  } else {
    digest = hash ?? createHash('sha256').update(uri).digest('hex');
  }
  return formatXfccElement({ by: [by], hash: digest, subject: '', uri: [uri] });
}

// Envoy's five substitutions, plus `%` so that decoding gives back exactly the input.
const PEM_ENCODING: Readonly<Record<string, string>> = {
  '\n': '%0A',
  ' ': '%20',
  '+': '%2B',
  '/': '%2F',
  '=': '%3D',
  '%': '%25',
};

function urlEncodePem(pem: string): string {
  return pem.replace(/[\n +/=%]/g, (ch) => PEM_ENCODING[ch] ?? ch);
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
