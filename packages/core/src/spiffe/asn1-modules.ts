import { createRequire } from 'node:module';
import type * as Asn1Schema from '@peculiar/asn1-schema';
import type * as Asn1X509 from '@peculiar/asn1-x509';

/** The ASN.1 modules certificate reading uses. */
export interface Asn1Modules {
  readonly schema: typeof Asn1Schema;
  readonly x509: typeof Asn1X509;
}

const load = createRequire(import.meta.url);
let modules: Asn1Modules | undefined;

/**
 * @peculiar/asn1-schema and @peculiar/asn1-x509, loaded on the first certificate read rather
 * than when the package is imported: they take about 100 ms to load, and a service behind a
 * sidecar (XFCC without `Cert`) never reads a certificate. Loaded synchronously (their CommonJS
 * builds), so a request that does need them is not made to wait on a promise.
 * @internal
 *
 * @example
 * ```ts
 * const { schema, x509 } = asn1Modules();
 * const san = schema.AsnConvert.parse(value, x509.SubjectAlternativeName);
 * ```
 */
export function asn1Modules(): Asn1Modules {
  modules ??= { schema: load('@peculiar/asn1-schema') as typeof Asn1Schema, x509: load('@peculiar/asn1-x509') as typeof Asn1X509 };
  return modules;
}
