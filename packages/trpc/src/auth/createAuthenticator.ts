import { UnauthenticatedError } from '@agentmint/core';
import { type JWTVerifyOptions, jwtVerify } from 'jose';
import { type AccessPolicy, accessPolicyFor } from './accessPolicy.ts';
import type { AuthOptions, NormalizedAuthOptions } from './authOptions.ts';
import { assertTokenShape, INVALID_TOKEN_MESSAGE, readBearerToken } from './bearerToken.ts';
import type { Identity } from './identity.ts';
import { identityFromClaims } from './identityFromClaims.ts';
import { createKeyResolver } from './keyResolver.ts';
import { normalizeAuthOptions } from './normalizeAuthOptions.ts';

export interface Authenticator {
  /** Verifies the request's bearer token (header, or the configured cookie); throws UnauthenticatedError. */
  authenticate(headers: Headers): Promise<Identity>;
  /** Verifies a token obtained some other way (e.g. tRPC connection params); throws UnauthenticatedError. */
  verifyToken(token: string): Promise<Identity>;
  /** Validated options with defaults; no key material. */
  readonly options: NormalizedAuthOptions;
  /** Scope and isolation checks bound to these options. */
  readonly policy: AccessPolicy;
}

/**
 * Validates `options` (TypeError on a mistake) and prepares the keys once; every request then
 * costs one signature check. All verification failures surface as one generic 401.
 */
export function createAuthenticator(authOptions: AuthOptions): Authenticator {
  const { options, keys } = normalizeAuthOptions(authOptions);
  const resolveKey = createKeyResolver(keys, options);
  const verifyOptions: JWTVerifyOptions = Object.freeze({
    algorithms: [...options.algorithms],
    clockTolerance: options.clockToleranceSeconds,
    ...(options.issuer === undefined ? {} : { issuer: copy(options.issuer) }),
    ...(options.audience === undefined ? {} : { audience: copy(options.audience) }),
  });
  const tokenOptions = { cookieName: options.cookieName, maxTokenBytes: options.maxTokenBytes };

  async function verify(token: string): Promise<Identity> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, resolveKey, verifyOptions));
    } catch (cause) {
      // The cause (jose's error) is for logs; the client only ever sees the generic message.
      throw new UnauthenticatedError(INVALID_TOKEN_MESSAGE, { cause });
    }
    return identityFromClaims(payload);
  }

  return Object.freeze({
    authenticate: async (headers: Headers) => verify(readBearerToken(headers, tokenOptions)),
    verifyToken: async (token: string) => {
      assertTokenShape(token, options.maxTokenBytes);
      return verify(token);
    },
    options,
    policy: accessPolicyFor(options),
  });
}

function copy(value: string | readonly string[]): string | string[] {
  return typeof value === 'string' ? value : [...value];
}
