export { createDevCa, DevCa, type DevCaOptions, type IntermediateOptions } from './dev-ca.js';
export type { Svid, SvidOptions } from './svid.js';
export { bundle } from './bundle.js';
export { generateKeyPair, type KeyAlgorithm, type KeyPair } from './keys.js';
export { buildCertificate, type CertificateSigner, type CertificateSpec, type ExtKeyUsageName, type KeyUsageName, type RawExtension } from './cert-builder.js';
export { toPem } from './pem.js';
export { buildXfcc, formatXfccElement, istioSidecarXfcc, type IstioSidecarXfccOptions, type XfccElementFields } from './xfcc.js';
export { signHs256, startJwtIssuer, type TestJwtAlg, type TestJwtIssuer } from './jwt-issuer.js';
export { listen, mtlsServerOptions, sendRequest, type Listening, type TestRequestOptions, type TestResponse, type TlsIdentity } from './tls.js';
