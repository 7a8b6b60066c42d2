import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AsymmetricAlgorithm } from './jwsAlgorithms.ts';

/** A PEM public key parsed once, with the JWS algorithms its key type can verify. */
export interface PemPublicKey {
  readonly key: KeyObject;
  readonly algorithms: ReadonlySet<AsymmetricAlgorithm>;
  /** Key type for error messages, e.g. `rsa` or `ec P-256`; never key material. */
  readonly description: string;
}

const RSA_ALGORITHMS: readonly AsymmetricAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
];
const PSS_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['PS256', 'PS384', 'PS512'];
const EC_ALGORITHMS: Readonly<Record<string, { alg: AsymmetricAlgorithm; name: string }>> = {
  prime256v1: { alg: 'ES256', name: 'P-256' },
  secp384r1: { alg: 'ES384', name: 'P-384' },
  secp521r1: { alg: 'ES512', name: 'P-521' },
};
// jose refuses shorter RSA keys at verification time; say so at start-up instead.
const MIN_RSA_BITS = 2048;

/** Parses `publicKey` (SPKI, PKCS#1 or an X.509 certificate); throws a TypeError naming the problem. */
export function parsePemPublicKey(pem: string): PemPublicKey {
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    throw new TypeError(
      'auth.publicKey is a private key; configure the public key (SPKI PEM) or certificate',
    );
  }
  if (!pem.includes('-----BEGIN ')) {
    throw new TypeError(
      'auth.publicKey must be a PEM public key ("-----BEGIN PUBLIC KEY-----") or X.509 certificate',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new TypeError('auth.publicKey could not be parsed as a PEM public key or certificate', {
      cause,
    });
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
        throw new TypeError(`auth.publicKey is an RSA key shorter than ${MIN_RSA_BITS} bits`);
      }
      const rsa = key.asymmetricKeyType === 'rsa';
      return describe(key, rsa ? RSA_ALGORITHMS : PSS_ALGORITHMS, key.asymmetricKeyType);
    }
    case 'ec': {
      const curve = EC_ALGORITHMS[details.namedCurve ?? ''];
      if (!curve) {
        throw new TypeError(
          `auth.publicKey uses the EC curve ${details.namedCurve ?? '(unknown)'}; JWS needs P-256, P-384 or P-521`,
        );
      }
      return describe(key, [curve.alg], `ec ${curve.name}`);
    }
    case 'ed25519':
      return describe(key, ['EdDSA', 'Ed25519'], 'ed25519');
    default:
      throw new TypeError(
        `auth.publicKey has the unsupported key type ${key.asymmetricKeyType ?? '(unknown)'}; use RSA, EC or Ed25519`,
      );
  }
}

function describe(
  key: KeyObject,
  algorithms: readonly AsymmetricAlgorithm[],
  description: string,
): PemPublicKey {
  return Object.freeze({ key, algorithms: new Set(algorithms), description });
}
