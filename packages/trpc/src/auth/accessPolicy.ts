import type { TrustedContext } from '@agentmint/core';
import { AUTH_DEFAULTS, type AuthOptions } from './authOptions.ts';
import { canReadAgent, canRunAgent, requireScope } from './authorization.ts';

/** Scope and isolation verdicts for one server, bound to its options. */
export interface AccessPolicy {
  readonly authorization: boolean;
  readonly userIsolation: boolean;
  readonly adminScope: string;
  readonly canRunAgent: (trusted: TrustedContext, agentId: string) => boolean;
  readonly canReadAgent: (trusted: TrustedContext, agentId: string) => boolean;
  /** Throws ForbiddenError naming `scope` unless the caller holds it or is admin. */
  readonly requireScope: (trusted: TrustedContext, scope: string) => void;
}

/** The access policy of a server configured with `options` (defaults applied). */
export function accessPolicyFor(
  options: Pick<AuthOptions, 'authorization' | 'userIsolation' | 'adminScope'>,
): AccessPolicy {
  const policy = {
    authorization: options.authorization ?? AUTH_DEFAULTS.authorization,
    userIsolation: options.userIsolation ?? AUTH_DEFAULTS.userIsolation,
    adminScope: options.adminScope ?? AUTH_DEFAULTS.adminScope,
  };
  return Object.freeze({
    ...policy,
    canRunAgent: (trusted: TrustedContext, agentId: string) =>
      canRunAgent(trusted, agentId, policy),
    canReadAgent: (trusted: TrustedContext, agentId: string) =>
      canReadAgent(trusted, agentId, policy),
    requireScope: (trusted: TrustedContext, scope: string) => requireScope(trusted, scope, policy),
  });
}
