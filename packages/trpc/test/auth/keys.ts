import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type JWK, type JWTPayload, SignJWT } from 'jose';

/** A key pair for one JWS algorithm, as tests need it: PEM for config, JWK for key sets. */
export interface TestKeyPair {
  readonly alg: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicPem: string;
  publicJwk(kid?: string): JWK;
}

export function testKeyPair(alg: 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA'): TestKeyPair {
  const { privateKey, publicKey } =
    alg === 'ES256' || alg === 'ES384'
      ? generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    alg,
    privateKey,
    publicKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: (kid) => ({
      ...(publicKey.export({ format: 'jwk' }) as JWK),
      ...(kid === undefined ? {} : { kid }),
    }),
  };
}

export interface SignOptions {
  readonly alg: string;
  readonly key: KeyObject | Uint8Array;
  readonly kid?: string;
  /** Seconds from now; default +300. */
  readonly expiresIn?: number;
  readonly notBeforeIn?: number;
  readonly issuer?: string;
  readonly audience?: string;
}

const NOW = () => Math.floor(Date.now() / 1000);

/** Signs a JWT the way an identity provider would. */
export function signToken(claims: JWTPayload, options: SignOptions): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({
      alg: options.alg,
      typ: 'JWT',
      ...(options.kid === undefined ? {} : { kid: options.kid }),
    })
    .setIssuedAt()
    .setExpirationTime(NOW() + (options.expiresIn ?? 300));
  if (options.notBeforeIn !== undefined) jwt.setNotBefore(NOW() + options.notBeforeIn);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(options.key);
}

export function bearer(token: string): Headers {
  return new Headers({ authorization: `Bearer ${token}` });
}

export function base64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

/** Builds a compact JWS by hand, for tokens no honest library would produce. */
export function handCraftedToken(header: object, payload: object, signature = ''): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${signature}`;
}
