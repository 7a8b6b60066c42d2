import {
  type CompactJWSHeaderParameters,
  type CryptoKey,
  createLocalJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type KeyObject,
} from 'jose';
import type { NormalizedAuthOptions } from './authOptions.ts';
import { type HmacAlgorithm, hmacImportParams, isHmacAlgorithm } from './jwsAlgorithms.ts';
import type { KeyMaterial } from './normalizeAuthOptions.ts';
import { createRemoteKeySet } from './remoteKeySet.ts';

/** Picks the verification key for a token whose `alg` jose has already checked against the allow-list. */
export type KeyResolver = (
  header: CompactJWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey | KeyObject>;

/**
 * Routes by algorithm family so no key is ever used outside it: HS* tokens only meet the secret,
 * asymmetric tokens only the public key or key set (no HMAC-with-a-public-key confusion).
 */
export function createKeyResolver(keys: KeyMaterial, options: NormalizedAuthOptions): KeyResolver {
  const hmacKeys = new Map<HmacAlgorithm, Promise<CryptoKey>>();
  const localSet = keys.jwks === undefined ? undefined : localKeySet(keys.jwks);
  const remoteSet =
    keys.jwksUrl === undefined ? undefined : createRemoteKeySet(keys.jwksUrl, options.remoteJwks);

  function hmacKey(alg: HmacAlgorithm, secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
    let key = hmacKeys.get(alg);
    if (key === undefined) {
      // Imported once per algorithm instead of on every request.
      key = crypto.subtle.importKey('raw', secret, hmacImportParams(alg), false, ['verify']);
      hmacKeys.set(alg, key);
    }
    return key;
  }

  return async (header, token) => {
    const { alg } = header;
    if (isHmacAlgorithm(alg)) {
      if (keys.secret === undefined) throw new Error(`no secret configured for ${alg}`);
      return hmacKey(alg, keys.secret);
    }
    if (keys.publicKey !== undefined) {
      if (!(keys.publicKey.algorithms as ReadonlySet<string>).has(alg)) {
        throw new Error(`the configured public key cannot verify ${alg}`);
      }
      return keys.publicKey.key;
    }
    if (localSet !== undefined) return localSet(header, token);
    if (remoteSet !== undefined) return remoteSet(header, token);
    throw new Error(`no key configured for ${alg}`);
  };
}

function localKeySet(jwks: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
  try {
    return createLocalJWKSet(jwks);
  } catch (cause) {
    throw new TypeError('auth.jwks is not a valid JSON Web Key Set', { cause });
  }
}
