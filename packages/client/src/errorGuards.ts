import type { ValidationIssue } from '@agentmint/core';
import { AgentMintClientError } from './agentMintClientError.ts';
import type { AgentMintClientErrorCode } from './clientErrorCode.ts';

/** An `AgentMintClientError` whose `code` is known to be one of `TCode`. */
export type AgentMintClientErrorOf<TCode extends AgentMintClientErrorCode> =
  AgentMintClientError & {
    readonly code: TCode;
  };

export type ValidationClientError = AgentMintClientErrorOf<'FACTORY_VALIDATION' | 'BAD_REQUEST'> & {
  readonly issues: readonly ValidationIssue[];
};
export type RateLimitedClientError = AgentMintClientErrorOf<'TOO_MANY_RUNS'> & {
  readonly retryAfterSeconds: number;
};

function hasCode<TCode extends AgentMintClientErrorCode>(
  error: unknown,
  codes: readonly TCode[],
): error is AgentMintClientErrorOf<TCode> {
  return error instanceof AgentMintClientError && (codes as readonly string[]).includes(error.code);
}

/** 400: the request or its `factoryInput` failed validation; `issues` says where. */
export function isValidationError(error: unknown): error is ValidationClientError {
  return hasCode(error, ['FACTORY_VALIDATION', 'BAD_REQUEST']);
}

/** 401: no token, or one the server rejected (expired, bad signature, wrong issuer…). */
export function isUnauthenticated(
  error: unknown,
): error is AgentMintClientErrorOf<'UNAUTHENTICATED'> {
  return hasCode(error, ['UNAUTHENTICATED']);
}

/** 403: a scope is missing (FORBIDDEN) or the factory refused this caller (FACTORY_FORBIDDEN). */
export function isForbidden(
  error: unknown,
): error is AgentMintClientErrorOf<'FORBIDDEN' | 'FACTORY_FORBIDDEN'> {
  return hasCode(error, ['FORBIDDEN', 'FACTORY_FORBIDDEN']);
}

/** 404: no such agent, run or session (or one the caller may not see). */
export function isNotFound(
  error: unknown,
): error is AgentMintClientErrorOf<'AGENT_NOT_FOUND' | 'RUN_NOT_FOUND' | 'SESSION_NOT_FOUND'> {
  return hasCode(error, ['AGENT_NOT_FOUND', 'RUN_NOT_FOUND', 'SESSION_NOT_FOUND']);
}

/** 429: the caller already has its limit of concurrent runs; wait `retryAfterSeconds`. */
export function isRateLimited(error: unknown): error is RateLimitedClientError {
  return hasCode(error, ['TOO_MANY_RUNS']);
}
