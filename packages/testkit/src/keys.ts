import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';

/**
 * Key types the dev CA can mint. `P-256` is the default: key generation takes well under a millisecond.
 *
 * @example
 * ```ts
 * const ca = createDevCa({ trustDomain: 'example.org', keyAlgorithm: 'RSA-2048' });
 * ```
 */
export type KeyAlgorithm = 'P-256' | 'P-384' | 'Ed25519' | 'RSA-2048';

/**
 * A generated key pair.
 *
 * @example
 * ```ts
 * const { privateKey }: KeyPair = generateKeyPair('Ed25519');
 * ```
 */
export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/**
 * Generates a key pair synchronously.
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = generateKeyPair('P-256');
 * ```
 */
export function generateKeyPair(algorithm: KeyAlgorithm = 'P-256'): KeyPair {
  switch (algorithm) {
    case 'P-256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    case 'P-384':
      return generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    case 'Ed25519':
      return generateKeyPairSync('ed25519');
    case 'RSA-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    default:
      throw new TypeError(`unsupported key algorithm ${JSON.stringify(algorithm)}`);
  }
}

/** How a key signs a certificate: the AlgorithmIdentifier to write and the digest for `crypto.sign`. @internal */
export interface SignatureScheme {
  readonly algorithm: AlgorithmIdentifier;
  readonly digest: string | null;
}

const DER_NULL = new Uint8Array([0x05, 0x00]).buffer;

/** The signature algorithm matching a private key (RFC 5758 §3.2, RFC 4055 §5, RFC 8410 §3). @internal */
export function signatureScheme(key: KeyObject): SignatureScheme {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }), digest: 'sha256' };
    if (curve === 'secp384r1') return { algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.3' }), digest: 'sha384' };
  }
  if (type === 'ed25519') return { algorithm: new AlgorithmIdentifier({ algorithm: '1.3.101.112' }), digest: null };
  if (type === 'rsa') return { algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: DER_NULL }), digest: 'sha256' };
  throw new TypeError(`cannot sign certificates with a ${type ?? 'unknown'} key`);
}
