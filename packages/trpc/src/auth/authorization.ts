import { ForbiddenError, type TrustedContext } from '@agentmint/core';
import { DEFAULT_ADMIN_SCOPE } from './authOptions.ts';
import { agentRunScope, SCOPES } from './scopes.ts';

/** The part of the auth options scope checks need; `NormalizedAuthOptions` fits as is. */
export interface AuthorizationPolicy {
  /** When false every check passes. */
  readonly authorization: boolean;
  readonly adminScope: string;
}

export const DEFAULT_AUTHORIZATION_POLICY: AuthorizationPolicy = Object.freeze({
  authorization: true,
  adminScope: DEFAULT_ADMIN_SCOPE,
});

export type SessionAction = 'read' | 'write' | 'delete';

const SESSION_SCOPES: Readonly<Record<SessionAction, string>> = Object.freeze({
  read: SCOPES.sessionsRead,
  write: SCOPES.sessionsWrite,
  delete: SCOPES.sessionsDelete,
});

/** Holds the admin scope. Independent of `authorization`: user isolation asks this too. */
export function isAdmin(
  trusted: TrustedContext,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): boolean {
  return trusted.scopes.has(policy.adminScope);
}

/** Holds `scope`, is admin, or authorization is off. */
export function hasScope(
  trusted: TrustedContext,
  scope: string,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): boolean {
  return !policy.authorization || isAdmin(trusted, policy) || trusted.scopes.has(scope);
}

/** Throws ForbiddenError naming `scope` unless `hasScope`. */
export function requireScope(
  trusted: TrustedContext,
  scope: string,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): void {
  if (!hasScope(trusted, scope, policy)) {
    throw new ForbiddenError(`This request needs the '${scope}' scope`, scope);
  }
}

/** `agents:run`, `agents:<id>:run`, `agents:*:run` or admin. */
export function canRunAgent(
  trusted: TrustedContext,
  agentId: string,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): boolean {
  return (
    hasScope(trusted, SCOPES.agentsRun, policy) ||
    trusted.scopes.has(agentRunScope(agentId)) ||
    trusted.scopes.has(SCOPES.anyAgentRun)
  );
}

/** Throws ForbiddenError naming `agents:<id>:run` (the narrowest scope that suffices). */
export function requireRunAgent(
  trusted: TrustedContext,
  agentId: string,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): void {
  if (!canRunAgent(trusted, agentId, policy)) {
    const scope = agentRunScope(agentId);
    throw new ForbiddenError(
      `Running agent '${agentId}' needs the '${SCOPES.agentsRun}' or '${scope}' scope`,
      scope,
    );
  }
}

/** `agents:read` or admin: may list and read every agent. */
export function canReadAgents(
  trusted: TrustedContext,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): boolean {
  return hasScope(trusted, SCOPES.agentsRead, policy);
}

/** Reads all agents, or may run this one (a caller sees the agents it can use). */
export function canReadAgent(
  trusted: TrustedContext,
  agentId: string,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): boolean {
  return canReadAgents(trusted, policy) || canRunAgent(trusted, agentId, policy);
}

/** Throws ForbiddenError naming `agents:read` unless `canReadAgent`. */
export function requireReadAgent(
  trusted: TrustedContext,
  agentId: string,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): void {
  if (!canReadAgent(trusted, agentId, policy)) {
    throw new ForbiddenError(
      `Reading agent '${agentId}' needs the '${SCOPES.agentsRead}' scope`,
      SCOPES.agentsRead,
    );
  }
}

/** The agents a listing may show this caller, in their original order. */
export function filterReadableAgents<TAgent extends { readonly id: string }>(
  trusted: TrustedContext,
  agents: Iterable<TAgent>,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): TAgent[] {
  return [...agents].filter((agent) => canReadAgent(trusted, agent.id, policy));
}

/** `sessions:read|write|delete` or admin. */
export function canUseSessions(
  trusted: TrustedContext,
  action: SessionAction,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): boolean {
  return hasScope(trusted, SESSION_SCOPES[action], policy);
}

/** Throws ForbiddenError naming `sessions:<action>` unless `canUseSessions`. */
export function requireSessionScope(
  trusted: TrustedContext,
  action: SessionAction,
  policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
): void {
  requireScope(trusted, SESSION_SCOPES[action], policy);
}
