import {
  createTrustedContext,
  isStorableId,
  MAX_ID_LENGTH,
  UnauthenticatedError,
} from '@agentmint/core';
import { INVALID_TOKEN_MESSAGE } from './bearerToken.ts';
import type { Identity } from './identity.ts';
import { scopesFromClaims } from './scopes.ts';

/**
 * The identity a verified payload states. A `sub` or scope claim of the wrong shape is a 401, not
 * "no user": a number or an empty `sub` must never join the user-less tenant. The cause says
 * which claim was wrong, for logs only; the client gets the one generic message.
 */
export function identityFromClaims(payload: Record<string, unknown>): Identity {
  const problem = subProblem(payload.sub) ?? scopeClaimsProblem(payload);
  if (problem !== undefined) {
    throw new UnauthenticatedError(INVALID_TOKEN_MESSAGE, { cause: new Error(problem) });
  }
  return Object.freeze({
    userId: payload.sub as string | undefined,
    trusted: createTrustedContext({
      claims: payload,
      scopes: scopesFromClaims(payload),
      source: 'jwt',
    }),
  });
}

// Runs and sessions are owned by `sub`: it must be an id every store can keep and find.
function subProblem(sub: unknown): string | undefined {
  if (sub === undefined) return undefined;
  if (typeof sub !== 'string') return `sub must be a string, not ${shapeOf(sub)}`;
  if (!isStorableId(sub)) {
    return `sub is not a usable user id (empty, over ${MAX_ID_LENGTH} characters, NUL or an unpaired surrogate)`;
  }
  return undefined;
}

// `scopes`: an array of strings or a space-separated string; `scope` (OAuth): a string.
function scopeClaimsProblem(payload: Record<string, unknown>): string | undefined {
  const { scopes, scope } = payload;
  if (scope !== undefined && typeof scope !== 'string') {
    return `scope must be a space-separated string, not ${shapeOf(scope)}`;
  }
  if (scopes === undefined || typeof scopes === 'string') return undefined;
  if (!Array.isArray(scopes))
    return `scopes must be an array of strings or a string, not ${shapeOf(scopes)}`;
  const bad = scopes.findIndex((item) => typeof item !== 'string');
  return bad === -1 ? undefined : `scopes[${bad}] must be a string, not ${shapeOf(scopes[bad])}`;
}

function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
