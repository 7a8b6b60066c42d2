import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
} from 'jose';
import type { ResolvedRemoteJwksOptions } from './authOptions.ts';

/** Resolves the verification key for one token from a remote key set. */
export type RemoteKeySet = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey>;

/**
 * jose's `createRemoteJWKSet` (one shared cache, refetch on an unknown `kid` after the cooldown),
 * plus stale-if-error: once the cache has aged out, a failed refresh keeps verifying with the last
 * good key set, and retries only after the cooldown so a down endpoint is not hammered per request.
 */
export function createRemoteKeySet(url: URL, options: ResolvedRemoteJwksOptions): RemoteKeySet {
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
  });
  let retryAt = 0;
  let stale: ReturnType<typeof createLocalJWKSet> | undefined;
  let lastFailure: unknown;

  async function refresh(): Promise<boolean> {
    try {
      await remote.reload();
      return true;
    } catch (error) {
      lastFailure = error;
      retryAt = Date.now() + options.cooldownMs;
      const jwks = remote.jwks();
      stale = jwks === undefined ? undefined : createLocalJWKSet(jwks);
      return false;
    }
  }

  return async (header, token) => {
    if (remote.fresh || (Date.now() >= retryAt && (await refresh()))) {
      return remote(header, token);
    }
    if (stale === undefined) {
      throw new Error(`JWKS endpoint ${url.href} is unreachable and no keys are cached`, {
        cause: lastFailure,
      });
    }
    return stale(header, token);
  };
}
