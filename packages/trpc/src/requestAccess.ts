import type { Caller, OwnerScope, TrustedContext } from '@agentmint/core';
import type { AccessPolicy } from './auth/accessPolicy.ts';
import type { Identity } from './auth/identity.ts';
import { ownerScopeFor } from './auth/ownerScope.ts';

/**
 * What one request may do, decided from verified credentials only. Transports ask it before they
 * touch the runtime: scopes first, then the runtime applies `caller.scope` (user isolation) in
 * every store query.
 */
export interface RequestAccess {
  readonly trusted: TrustedContext;
  /** The verified subject, if any. */
  readonly subject: string | undefined;
  /**
   * The caller for a run, as the runtime sees it (the operations layer has authorized the run); a
   * client-sent user id counts only where no verified one overrides it.
   */
  callerFor(clientUserId?: string): Caller;
  /** Rows this caller may see: undefined = all. */
  readonly scope: OwnerScope;
  /** Throws ForbiddenError (naming the scope) unless the caller holds `scope` or is admin. */
  require(scope: string): void;
  /** Throws ForbiddenError unless the caller may run `agentId`. */
  assertCanRun(agentId: string): void;
  /** The same verdict as `assertCanRun`, as a boolean (to filter lists such as MCP tools). */
  canRunAgent(agentId: string): boolean;
  canReadAgent(agentId: string): boolean;
}

/**
 * Without auth, what a client-sent `user_id` / `userId` means: `'trust'` (Agno's behaviour) makes
 * it the run's user; `'ignore'` drops it, so every run is anonymous. Isolation needs auth either way.
 */
export type AnonymousUserIds = 'trust' | 'ignore';

/** Access for one request: everything allowed without a policy, else the policy's verdicts. */
export function createRequestAccess(
  identity: Identity,
  policy: AccessPolicy | undefined,
  options: { readonly clientUserIds?: AnonymousUserIds } = {},
): RequestAccess {
  const trustClientUserIds = options.clientUserIds !== 'ignore';
  const { trusted } = identity;
  const subject = identity.userId;
  const scope: OwnerScope = policy ? ownerScopeFor(identity, policy) : undefined;
  const isolated = scope !== undefined;
  const enforce = policy?.authorization === true;
  const assertCanRun = (agentId: string): void => {
    if (enforce && !policy.canRunAgent(trusted, agentId)) {
      policy.requireScope(trusted, `agents:${agentId}:run`);
    }
  };
  return {
    trusted,
    subject,
    scope,
    callerFor(clientUserId) {
      // A verified subject wins; with isolation on, an unverified user id is never trusted.
      // `anonymousUserIds: 'ignore'` (auth off): a client-sent user id is dropped, runs are anonymous.
      const userId = subject ?? (isolated || !trustClientUserIds ? undefined : clientUserId);
      return { userId, trusted, scope };
    },
    require(needed) {
      if (enforce) policy.requireScope(trusted, needed);
    },
    assertCanRun,
    canRunAgent(agentId) {
      return !enforce || policy.canRunAgent(trusted, agentId);
    },
    canReadAgent(agentId) {
      return !enforce || policy.canReadAgent(trusted, agentId);
    },
  };
}
