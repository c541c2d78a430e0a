export { createDevCa, DevCa, type DevCaOptions, type IntermediateOptions } from './dev-ca.js';
export type { Svid, SvidOptions } from './svid.js';
export { bundle } from './bundle.js';
export type { KeyAlgorithm } from './keys.js';
export type { ExtKeyUsageName, KeyUsageName, RawExtension } from './cert-builder.js';
export { buildXfcc, formatXfccElement, istioSidecarXfcc, type IstioSidecarXfccOptions, type XfccElementFields } from './xfcc.js';
export { listen, mtlsServerOptions, sendRequest, type Listening, type TestRequestOptions, type TestResponse, type TlsIdentity } from './tls.js';
