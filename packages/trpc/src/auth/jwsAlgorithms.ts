/** The JWS algorithms an allow-list may name: HMAC with a shared secret, or a public-key family. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
export type JwsAlgorithm = HmacAlgorithm | AsymmetricAlgorithm;

const HMAC_SET: ReadonlySet<string> = new Set(HMAC_ALGORITHMS);
const ASYMMETRIC_SET: ReadonlySet<string> = new Set(ASYMMETRIC_ALGORITHMS);

export function isHmacAlgorithm(alg: string): alg is HmacAlgorithm {
  return HMAC_SET.has(alg);
}

export function isAsymmetricAlgorithm(alg: string): alg is AsymmetricAlgorithm {
  return ASYMMETRIC_SET.has(alg);
}

export function isJwsAlgorithm(alg: string): alg is JwsAlgorithm {
  return isHmacAlgorithm(alg) || isAsymmetricAlgorithm(alg);
}

/** WebCrypto parameters for importing an HMAC verification key once per algorithm. */
export function hmacImportParams(alg: HmacAlgorithm): HmacImportParams {
  return { name: 'HMAC', hash: `SHA-${alg.slice(2)}` };
}
