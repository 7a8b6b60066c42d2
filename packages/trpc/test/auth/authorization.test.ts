import { createTrustedContext, EMPTY_TRUSTED, ForbiddenError } from '@agentmint/core';
import { describe, expect, it } from 'vitest';
import {
  accessPolicyFor,
  agentRunScope,
  canReadAgent,
  canReadAgents,
  canRunAgent,
  canUseSessions,
  filterReadableAgents,
  hasScope,
  isAdmin,
  ownerScopeFor,
  requireReadAgent,
  requireRunAgent,
  requireScope,
  requireSessionScope,
} from '../../src/auth/index.ts';

const caller = (...scopes: string[]) => createTrustedContext({ claims: {}, scopes, source: 'jwt' });
const OFF = { authorization: false, adminScope: 'agent_os:admin' };

function forbidden(run: () => void): ForbiddenError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ForbiddenError);
    const forbiddenError = error as ForbiddenError;
    expect(forbiddenError.code).toBe('FORBIDDEN');
    expect(forbiddenError.httpStatus).toBe(403);
    return forbiddenError;
  }
  throw new Error('expected a ForbiddenError');
}

describe('running agents', () => {
  it.each([
    ['agents:run', ['agents:run']],
    ['agents:<id>:run', ['agents:research-agent:run']],
    ['agents:*:run', ['agents:*:run']],
    ['admin', ['agent_os:admin']],
  ])('%s may run research-agent', (_name, scopes) => {
    expect(canRunAgent(caller(...scopes), 'research-agent')).toBe(true);
    expect(() => requireRunAgent(caller(...scopes), 'research-agent')).not.toThrow();
  });

  it.each([
    ['no scopes', []],
    ['another agent’s scope', ['agents:tenant-agent:run']],
    ['read only', ['agents:read']],
    ['a prefix of the agent id', ['agents:research:run']],
    ['sessions scopes', ['sessions:read', 'sessions:write']],
  ])('%s may not run research-agent', (_name, scopes) => {
    expect(canRunAgent(caller(...scopes), 'research-agent')).toBe(false);
  });

  it('the ForbiddenError names the scope needed', () => {
    const error = forbidden(() => requireRunAgent(caller('agents:read'), 'research-agent'));
    expect(error.requiredScope).toBe('agents:research-agent:run');
    expect(error.message).toMatchInlineSnapshot(
      `"Running agent 'research-agent' needs the 'agents:run' or 'agents:research-agent:run' scope"`,
    );
  });

  it('agentRunScope builds the per-agent scope', () => {
    expect(agentRunScope('tenant-agent')).toBe('agents:tenant-agent:run');
  });
});

describe('reading agents', () => {
  const agents = [{ id: 'tenant-agent' }, { id: 'research-agent' }, { id: 'other' }];

  it('agents:read or admin reads every agent', () => {
    for (const trusted of [caller('agents:read'), caller('agent_os:admin')]) {
      expect(canReadAgents(trusted)).toBe(true);
      expect(filterReadableAgents(trusted, agents)).toEqual(agents);
    }
  });

  it('a caller with only agents:<id>:run reads just that agent', () => {
    const trusted = caller('agents:research-agent:run');
    expect(canReadAgents(trusted)).toBe(false);
    expect(canReadAgent(trusted, 'research-agent')).toBe(true);
    expect(canReadAgent(trusted, 'tenant-agent')).toBe(false);
    expect(filterReadableAgents(trusted, agents)).toEqual([{ id: 'research-agent' }]);
    const error = forbidden(() => requireReadAgent(trusted, 'tenant-agent'));
    expect(error.requiredScope).toBe('agents:read');
    expect(error.message).toContain("'agents:read'");
  });

  it('a caller who may run every agent (agents:run, agents:*:run) may read them all', () => {
    expect(filterReadableAgents(caller('agents:*:run'), agents)).toEqual(agents);
    expect(filterReadableAgents(caller('agents:run'), agents)).toEqual(agents);
  });

  it('no scopes: an empty listing', () => {
    expect(filterReadableAgents(caller(), agents)).toEqual([]);
  });
});

describe('sessions and generic scopes', () => {
  it.each(['read', 'write', 'delete'] as const)('sessions:%s', (action) => {
    expect(canUseSessions(caller(`sessions:${action}`), action)).toBe(true);
    expect(canUseSessions(caller('agents:run'), action)).toBe(false);
    const error = forbidden(() => requireSessionScope(caller('agents:run'), action));
    expect(error.requiredScope).toBe(`sessions:${action}`);
    expect(error.message).toBe(`This request needs the 'sessions:${action}' scope`);
  });

  it('sessions:read does not grant write or delete', () => {
    expect(canUseSessions(caller('sessions:read'), 'write')).toBe(false);
    expect(canUseSessions(caller('sessions:read'), 'delete')).toBe(false);
  });

  it('requireScope passes for the scope or admin, and names the scope otherwise', () => {
    expect(() => requireScope(caller('agents:read'), 'agents:read')).not.toThrow();
    expect(() => requireScope(caller('agent_os:admin'), 'sessions:delete')).not.toThrow();
    const error = forbidden(() => requireScope(caller('agents:run'), 'agents:read'));
    expect(error.message).toBe("This request needs the 'agents:read' scope");
    expect(error.requiredScope).toBe('agents:read');
  });
});

describe('admin and policy', () => {
  it('isAdmin follows the configured admin scope', () => {
    expect(isAdmin(caller('agent_os:admin'))).toBe(true);
    expect(isAdmin(caller('agents:run'))).toBe(false);
    const custom = { authorization: true, adminScope: 'root' };
    expect(isAdmin(caller('root'), custom)).toBe(true);
    expect(isAdmin(caller('agent_os:admin'), custom)).toBe(false);
    expect(hasScope(caller('root'), 'sessions:delete', custom)).toBe(true);
  });

  it('with authorization off everything is allowed', () => {
    const nobody = EMPTY_TRUSTED;
    expect(canRunAgent(nobody, 'x', OFF)).toBe(true);
    expect(canReadAgents(nobody, OFF)).toBe(true);
    expect(canReadAgent(nobody, 'x', OFF)).toBe(true);
    expect(canUseSessions(nobody, 'delete', OFF)).toBe(true);
    expect(() => requireScope(nobody, 'agents:read', OFF)).not.toThrow();
    expect(() => requireRunAgent(nobody, 'x', OFF)).not.toThrow();
    expect(filterReadableAgents(nobody, [{ id: 'a' }], OFF)).toEqual([{ id: 'a' }]);
    expect(isAdmin(nobody, OFF)).toBe(false);
  });

  it('accessPolicyFor binds the checks to the options, with defaults', () => {
    const policy = accessPolicyFor({});
    expect(policy).toMatchObject({
      authorization: true,
      userIsolation: true,
      adminScope: 'agent_os:admin',
    });
    expect(policy.canRunAgent(caller('agents:a:run'), 'a')).toBe(true);
    expect(policy.canReadAgent(caller(), 'a')).toBe(false);
    forbidden(() => policy.requireScope(caller(), 'agents:read'));
    const open = accessPolicyFor({ authorization: false, adminScope: 'root' });
    expect(open.canRunAgent(caller(), 'a')).toBe(true);
    expect(() => open.requireScope(caller(), 'agents:read')).not.toThrow();
  });

  it('ownerScopeFor isolates non-admins to their sub', () => {
    const on = { userIsolation: true, adminScope: 'agent_os:admin' };
    expect(ownerScopeFor({ userId: 'u1', trusted: caller('agents:run') }, on)).toEqual({
      userId: 'u1',
    });
    expect(ownerScopeFor({ userId: undefined, trusted: caller() }, on)).toEqual({ userId: null });
    expect(ownerScopeFor({ userId: 'u1', trusted: caller('agent_os:admin') }, on)).toBeUndefined();
    expect(
      ownerScopeFor({ userId: 'u1', trusted: caller() }, { ...on, userIsolation: false }),
    ).toBeUndefined();
  });
});
