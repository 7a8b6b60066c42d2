import { UnauthenticatedError } from '@agentmint/core';
import { expect } from 'vitest';

/** Awaits a rejection and checks it is the 401 every auth failure must be. */
export async function expectUnauthenticated(
  promise: Promise<unknown>,
): Promise<UnauthenticatedError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UnauthenticatedError);
  const unauthenticated = error as UnauthenticatedError;
  expect(unauthenticated.code).toBe('UNAUTHENTICATED');
  expect(unauthenticated.httpStatus).toBe(401);
  return unauthenticated;
}
