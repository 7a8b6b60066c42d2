import { describe, expect, it } from 'vitest';
import { createAuthenticator, scopesFromClaims } from '../../src/auth/index.ts';
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
  it('`sub` becomes userId; a missing or non-string sub leaves it undefined', async () => {
    expect((await identityFor({ sub: 'tenant_42' })).userId).toBe('tenant_42');
    expect((await identityFor({})).userId).toBeUndefined();
    expect((await identityFor({ sub: '' })).userId).toBeUndefined();
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
