import { describe, expect, it } from 'vitest';
import { createRequestContext, createTrustedContext, EMPTY_TRUSTED } from '../src/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('createRequestContext defaults (§9.6)', () => {
  it('is empty by default, with minted ids', () => {
    const ctx = createRequestContext();
    expect(ctx.userId).toBeUndefined();
    expect(ctx.input).toBeUndefined();
    expect(ctx.sessionId).toMatch(UUID);
    expect(ctx.runId).toMatch(UUID);
    expect(ctx.sessionId).not.toBe(ctx.runId);
    expect(ctx.trusted).toBe(EMPTY_TRUSTED);
    expect(ctx.trusted.source).toBe('none');
    expect(ctx.trusted.claims).toEqual({});
    expect(ctx.trusted.scopes.size).toBe(0);
    expect(ctx.headers).toEqual({});
    expect(ctx.signal.aborted).toBe(false);
  });

  it('keeps given ids', () => {
    const ctx = createRequestContext({ sessionId: 's-1', runId: 'r-1', userId: 'u-1' });
    expect([ctx.sessionId, ctx.runId, ctx.userId]).toEqual(['s-1', 'r-1', 'u-1']);
  });
});

describe('createRequestContext immutability (§9.6)', () => {
  const trusted = createTrustedContext({
    claims: { sub: 'u-1', org: { id: 'o-1', roles: ['admin'] } },
    scopes: ['agents:run', 'agents:read'],
    source: 'jwt',
  });
  const ctx = createRequestContext({
    userId: 'u-1',
    input: { persona: 'skeptic', nested: { depth: 5, list: [1] } },
    trusted,
    headers: { 'x-tenant': 't-1' },
  });

  it('throws on assigning a field of ctx', () => {
    expect(() => {
      (ctx as { userId: string | undefined }).userId = 'someone-else';
    }).toThrow(TypeError);
    expect(ctx.userId).toBe('u-1');
  });

  it('throws on mutating ctx.input, however deep', () => {
    const input = ctx.input as { persona: string; nested: { depth: number; list: number[] } };
    expect(() => {
      input.persona = 'pirate';
    }).toThrow(TypeError);
    expect(() => {
      input.nested.depth = 1;
    }).toThrow(TypeError);
    expect(() => input.nested.list.push(2)).toThrow(TypeError);
  });

  it('throws on mutating ctx.trusted and its nested claims', () => {
    expect(() => {
      (ctx.trusted as { source: string }).source = 'jwt-forged';
    }).toThrow(TypeError);
    const claims = ctx.trusted.claims as { sub: string; org: { id: string; roles: string[] } };
    expect(() => {
      claims.sub = 'admin';
    }).toThrow(TypeError);
    expect(() => {
      claims.org.id = 'other';
    }).toThrow(TypeError);
    expect(() => claims.org.roles.push('root')).toThrow(TypeError);
  });

  it('throws on changing ctx.trusted.scopes', () => {
    const scopes = ctx.trusted.scopes as Set<string>;
    expect(() => scopes.add('agent_os:admin')).toThrow(TypeError);
    expect(() => scopes.delete('agents:run')).toThrow(TypeError);
    expect(() => scopes.clear()).toThrow(TypeError);
    expect([...ctx.trusted.scopes]).toEqual(['agents:run', 'agents:read']);
    expect(ctx.trusted.scopes.has('agents:run')).toBe(true);
  });

  it('keeps the empty trusted context empty', () => {
    expect(() => (EMPTY_TRUSTED.scopes as Set<string>).add('agent_os:admin')).toThrow(TypeError);
    expect(EMPTY_TRUSTED.scopes.size).toBe(0);
  });

  it('throws on mutating headers', () => {
    expect(() => {
      (ctx.headers as Record<string, string>)['x-tenant'] = 't-2';
    }).toThrow(TypeError);
  });

  it('does not freeze the headers object the transport passed in', () => {
    const headers = { 'x-a': '1' };
    createRequestContext({ headers });
    expect(Object.isFrozen(headers)).toBe(false);
  });
});

describe('createTrustedContext', () => {
  it('splits nothing itself: scopes are what the verifier gives', () => {
    const trusted = createTrustedContext({
      claims: {},
      scopes: new Set(['a', 'b']),
      source: 'jwt',
    });
    expect([...trusted.scopes]).toEqual(['a', 'b']);
    expect(trusted.scopes).toBeInstanceOf(Set);
  });
});
