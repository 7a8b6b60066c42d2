import { describe, expect, it } from 'vitest';
import { createAuthenticator, scopesFromClaims } from '../../src/auth/index.ts';
import { expectUnauthenticated } from './expectUnauthenticated.ts';
import { bearer, signToken } from './keys.ts';

const SECRET = 'scopes-test-secret-0123456789abcdef';
const auth = createAuthenticator({ secret: SECRET, algorithms: ['HS256'] });
const identityFor = async (claims: Record<string, unknown>) =>
  auth.authenticate(
    bearer(await signToken(claims, { alg: 'HS256', key: new TextEncoder().encode(SECRET) })),
  );

describe('scopesFromClaims', () => {
  it('reads the `scopes` array claim', () => {
    expect(scopesFromClaims({ scopes: ['agents:read', 'agents:run'] })).toEqual([
      'agents:read',
      'agents:run',
    ]);
  });

  it('splits the OAuth `scope` claim on whitespace (regression: Agno bug, not split)', () => {
    expect(scopesFromClaims({ scope: 'agents:read  agents:run\tsessions:read\n' })).toEqual([
      'agents:read',
      'agents:run',
      'sessions:read',
    ]);
  });

  it('merges both claims and deduplicates', () => {
    expect(
      scopesFromClaims({ scopes: ['agents:read', 'agents:read'], scope: 'agents:read agents:run' }),
    ).toEqual(['agents:read', 'agents:run']);
  });

  it('accepts a space-separated string in `scopes` too', () => {
    expect(scopesFromClaims({ scopes: 'agents:read sessions:write' })).toEqual([
      'agents:read',
      'sessions:write',
    ]);
  });

  it('ignores non-string junk and malformed entries', () => {
    expect(
      scopesFromClaims({
        scopes: [
          'agents:read',
          42,
          null,
          { admin: true },
          ['agent_os:admin'],
          '',
          'two words',
          'q"uote',
        ],
        scope: 7,
      }),
    ).toEqual(['agents:read']);
    expect(scopesFromClaims({ scope: { toString: () => 'agent_os:admin' } })).toEqual([]);
    expect(scopesFromClaims({})).toEqual([]);
  });
});

describe('verified identity', () => {
  it('`sub` becomes userId; a token without sub has none', async () => {
    expect((await identityFor({ sub: 'tenant_42' })).userId).toBe('tenant_42');
    expect((await identityFor({})).userId).toBeUndefined();
    expect((await identityFor({ sub: 'a'.repeat(255) })).userId).toBe('a'.repeat(255));
  });

  // Regression: a malformed sub was accepted as "no user", so two numeric subs shared a tenant.
  it.each([
    ['a number', 42, 'sub must be a string, not number'],
    ['empty', '', 'sub is not a usable user id'],
    ['an object', { id: 'u' }, 'sub must be a string, not object'],
    ['an array', ['u'], 'sub must be a string, not array'],
    ['a boolean', true, 'sub must be a string, not boolean'],
    ['null', null, 'sub must be a string, not null'],
    ['too long', 'u'.repeat(256), 'sub is not a usable user id'],
    ['NUL inside', 'u\u0000v', 'sub is not a usable user id'],
  ])('a verified token whose sub is %s is a 401, not "no user"', async (_what, sub, cause) => {
    const error = await expectUnauthenticated(identityFor({ sub }));
    expect(error.message).toBe('The bearer token is invalid or expired');
    expect(String((error.cause as Error).message)).toContain(cause);
  });

  it.each([
    [
      'scope as an array',
      { scope: ['agents:read'] },
      'scope must be a space-separated string, not array',
    ],
    ['scope as a number', { scope: 7 }, 'scope must be a space-separated string, not number'],
    [
      'scope as an object',
      { scope: { toString: 'agent_os:admin' } },
      'scope must be a space-separated string, not object',
    ],
    [
      'scopes as an object',
      { scopes: { admin: true } },
      'scopes must be an array of strings or a string, not object',
    ],
    [
      'scopes as a boolean',
      { scopes: true },
      'scopes must be an array of strings or a string, not boolean',
    ],
    [
      'scopes as null',
      { scopes: null },
      'scopes must be an array of strings or a string, not null',
    ],
    [
      'scopes holding a number',
      { scopes: ['agents:read', 42] },
      'scopes[1] must be a string, not number',
    ],
    [
      'scopes holding an array',
      { scopes: [['agent_os:admin']] },
      'scopes[0] must be a string, not array',
    ],
  ])('a verified token with %s is a 401', async (_what, claims, cause) => {
    const error = await expectUnauthenticated(identityFor({ sub: 'u', ...claims }));
    expect(String((error.cause as Error).message)).toContain(cause);
  });

  it('trusted.scopes come from the verified claims, as a read-only set', async () => {
    const { trusted } = await identityFor({ sub: 'u', scope: 'agents:read agents:run' });
    expect([...trusted.scopes]).toEqual(['agents:read', 'agents:run']);
    expect(() => (trusted.scopes as Set<string>).add('agent_os:admin')).toThrow(TypeError);
    expect(trusted.scopes.has('agent_os:admin')).toBe(false);
  });

  it('trusted.claims is the verified payload, deeply frozen', async () => {
    const { trusted } = await identityFor({
      sub: 'u',
      org: { id: 'acme', roles: ['viewer'] },
    });
    expect(trusted.source).toBe('jwt');
    expect(trusted.claims).toMatchObject({ sub: 'u', org: { id: 'acme', roles: ['viewer'] } });
    expect(typeof trusted.claims.exp).toBe('number');
    const org = trusted.claims.org as { id: string; roles: string[] };
    expect(Object.isFrozen(trusted)).toBe(true);
    expect(Object.isFrozen(trusted.claims)).toBe(true);
    expect(Object.isFrozen(org)).toBe(true);
    expect(Object.isFrozen(org.roles)).toBe(true);
    expect(() => {
      org.roles.push('admin');
    }).toThrow(TypeError);
    expect(() => {
      (trusted.claims as Record<string, unknown>).sub = 'someone-else';
    }).toThrow(TypeError);
  });
});
