import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  Agent,
  AgentFactory,
  AgentMintError,
  createTrustedContext,
  FactoryError,
  FactoryPermissionError,
  FactoryValidationError,
  InMemoryDb,
  type RequestContext,
  resolveAgent,
} from '../src/index.ts';
import { deferred, recordingLogger, ScriptedModel } from './scriptedModel.ts';

const db = new InMemoryDb({ id: 'factory-db' });
const model = new ScriptedModel([]);
const research = z.object({
  persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
  depth: z.number().int().default(3),
});

async function rejection(promise: Promise<unknown>): Promise<AgentMintError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentMintError);
  return error as AgentMintError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sync and async factories (§9.2)', () => {
  it('builds with a sync factory', async () => {
    const f = new AgentFactory({ id: 'sync', db, factory: () => new Agent({ model }) });
    const { agent } = await resolveAgent(f, {});
    expect(agent).toBeInstanceOf(Agent);
    expect(agent.id).toBe('sync');
  });

  it('awaits an async factory', async () => {
    const f = new AgentFactory({
      id: 'async',
      db,
      factory: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return new Agent({ model, instructions: 'late' });
      },
    });
    const { agent } = await resolveAgent(f, {});
    expect(agent.instructions).toBe('late');
  });
});

describe('factory input reaches the factory (§9.3, §9.4)', () => {
  it('passes raw input through without a schema, undefined staying undefined', async () => {
    const seen: unknown[] = [];
    const f = new AgentFactory({
      id: 'raw',
      db,
      factory: (ctx) => {
        seen.push(ctx.input);
        return new Agent({ model });
      },
    });
    await resolveAgent(f, {});
    await resolveAgent(f, { factoryInput: { free: 'form' } });
    expect(seen).toEqual([undefined, { free: 'form' }]);
  });

  it('gives the factory the validated output with defaults', async () => {
    const seen: unknown[] = [];
    const f = new AgentFactory({
      id: 'research-agent',
      db,
      inputSchema: research,
      factory: (ctx) => {
        seen.push(ctx.input);
        return new Agent({ model });
      },
    });
    const first = await resolveAgent(f, {});
    await resolveAgent(f, { factoryInput: '{"persona": "skeptic", "depth": 5}' });
    expect(seen).toEqual([
      { persona: 'analyst', depth: 3 },
      { persona: 'skeptic', depth: 5 },
    ]);
    expect(first.ctx.input).toEqual({ persona: 'analyst', depth: 3 });
  });

  it('uses an already validated input as is (continue)', async () => {
    const factory = vi.fn((ctx: RequestContext<unknown>) => {
      expect(ctx.input).toEqual({ persona: 'advisor', depth: 9 });
      return new Agent({ model });
    });
    const f = new AgentFactory({ id: 'research-agent', db, inputSchema: research, factory });
    await resolveAgent(f, {
      factoryInput: { persona: 'pirate' },
      validatedInput: { value: { persona: 'advisor', depth: 9 } },
    });
    expect(factory).toHaveBeenCalledTimes(1);
  });
});

describe('invalid input never calls the factory (§9.5)', () => {
  it.each([
    ['bad JSON', '{"depth":'],
    ['an array', [1]],
    ['a number', 3],
    ['a JSON string that is not an object', '"analyst"'],
    ['a failed schema', { depth: 'deep' }],
  ])('rejects %s with FACTORY_VALIDATION', async (_, factoryInput) => {
    const factory = vi.fn(() => new Agent({ model }));
    const f = new AgentFactory({ id: 'research-agent', db, inputSchema: research, factory });
    const error = await rejection(resolveAgent(f, { factoryInput }));
    expect(error).toBeInstanceOf(FactoryValidationError);
    expect(error.code).toBe('FACTORY_VALIDATION');
    expect(error.httpStatus).toBe(400);
    expect(factory).not.toHaveBeenCalled();
  });

  it('names the failing field', async () => {
    const f = new AgentFactory({
      id: 'research-agent',
      db,
      inputSchema: research,
      factory: () => new Agent({ model }),
    });
    const error = (await rejection(
      resolveAgent(f, { factoryInput: { depth: 1.5 } }),
    )) as FactoryValidationError;
    expect(error.issues).toMatchObject([{ path: ['factoryInput', 'depth'] }]);
  });

  it('rejects factoryInput for a plain agent', async () => {
    const plain = new Agent({ id: 'plain', model });
    const error = await rejection(resolveAgent(plain, { factoryInput: { a: 1 } }));
    expect(error.code).toBe('FACTORY_VALIDATION');
  });
});

describe('the context the factory sees (§9.6, §3)', () => {
  it('is empty by default and frozen', async () => {
    let seen: RequestContext | undefined;
    const f = new AgentFactory({
      id: 'ctx',
      db,
      factory: (ctx) => {
        seen = ctx;
        return new Agent({ model });
      },
    });
    await resolveAgent(f, {});
    expect(seen?.userId).toBeUndefined();
    expect(seen?.trusted.source).toBe('none');
    expect(seen?.trusted.scopes.size).toBe(0);
    expect(Object.isFrozen(seen)).toBe(true);
  });

  it('throws when the factory mutates ctx, its input, claims or scopes', async () => {
    const attempts: Record<string, unknown> = {};
    const f = new AgentFactory({
      id: 'mutator',
      db,
      inputSchema: research,
      factory: (ctx) => {
        const tryIt = (name: string, mutate: () => void) => {
          try {
            mutate();
            attempts[name] = 'allowed';
          } catch (error) {
            attempts[name] = (error as Error).constructor.name;
          }
        };
        tryIt('ctx', () => Object.assign(ctx, { userId: 'admin' }));
        tryIt('input', () => Object.assign(ctx.input, { depth: 99 }));
        tryIt('claims', () =>
          Object.assign((ctx.trusted.claims as { org: object }).org, { id: 'x' }),
        );
        tryIt('scopes', () => (ctx.trusted.scopes as Set<string>).add('agent_os:admin'));
        return new Agent({ model });
      },
    });
    await resolveAgent(f, {
      userId: 'u-1',
      trusted: createTrustedContext({
        claims: { sub: 'u-1', org: { id: 'o-1' } },
        scopes: ['agents:run'],
        source: 'jwt',
      }),
    });
    expect(attempts).toEqual({
      ctx: 'TypeError',
      input: 'TypeError',
      claims: 'TypeError',
      scopes: 'TypeError',
    });
  });

  it('freezes a trusted context the transport built by hand', async () => {
    let ctx: RequestContext | undefined;
    const f = new AgentFactory({
      id: 'hand',
      db,
      factory: (c) => {
        ctx = c;
        return new Agent({ model });
      },
    });
    await resolveAgent(f, {
      trusted: { claims: { role: { name: 'user' } }, scopes: new Set(['a']), source: 'custom' },
    });
    const trusted = ctx?.trusted ?? expect.unreachable();
    expect(Object.isFrozen(trusted)).toBe(true);
    expect(Object.isFrozen((trusted.claims as { role: object }).role)).toBe(true);
    expect(() => (trusted.scopes as Set<string>).add('b')).toThrow(TypeError);
    expect(trusted.source).toBe('custom');
  });

  it('mints sessionId and runId before the factory runs', async () => {
    let inside: { sessionId: string; runId: string } | undefined;
    const f = new AgentFactory({
      id: 'ids',
      db,
      factory: (ctx) => {
        inside = { sessionId: ctx.sessionId, runId: ctx.runId };
        return new Agent({ model });
      },
    });
    const { ctx } = await resolveAgent(f, {});
    expect(inside?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(inside?.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(inside).toEqual({ sessionId: ctx.sessionId, runId: ctx.runId });
  });

  it('keeps a client-provided sessionId', async () => {
    let sessionId: string | undefined;
    const f = new AgentFactory({
      id: 'ids',
      db,
      factory: (ctx) => {
        sessionId = ctx.sessionId;
        return new Agent({ model });
      },
    });
    await resolveAgent(f, { sessionId: 'client-session' });
    expect(sessionId).toBe('client-session');
  });

  it('passes userId, trusted facts, headers and the signal', async () => {
    const controller = new AbortController();
    const trusted = createTrustedContext({
      claims: { sub: 'u-7' },
      scopes: ['agents:run'],
      source: 'jwt',
    });
    let seen: RequestContext | undefined;
    const f = new AgentFactory({
      id: 'ctx',
      db,
      factory: (ctx) => {
        seen = ctx;
        return new Agent({ model });
      },
    });
    await resolveAgent(f, {
      userId: 'u-7',
      trusted,
      headers: { 'x-tenant': 't' },
      signal: controller.signal,
    });
    expect(seen?.userId).toBe('u-7');
    expect(seen?.agentId).toBe('ctx');
    expect(seen?.trusted).toBe(trusted);
    expect(seen?.headers).toEqual({ 'x-tenant': 't' });
    expect(seen?.signal).toBe(controller.signal);
  });
});

describe('post-resolve (§9.7)', () => {
  it('forces the factory id and warns through the logger', async () => {
    const { logger, lines } = recordingLogger();
    const f = new AgentFactory({
      id: 'tenant-agent',
      db,
      factory: () => new Agent({ id: 'something-else', model }),
    });
    const { agent, ctx } = await resolveAgent(f, { logger });
    expect(agent.id).toBe('tenant-agent');
    expect(ctx.agentId).toBe('tenant-agent');
    expect(lines).toEqual([
      {
        level: 'warn',
        message:
          "factory 'tenant-agent' built an agent with id 'something-else'; using 'tenant-agent'",
      },
    ]);
  });

  it('does not warn when the agent has no id or the same one', async () => {
    const { logger, lines } = recordingLogger();
    const none = new AgentFactory({ id: 'a', db, factory: () => new Agent({ model }) });
    const same = new AgentFactory({ id: 'b', db, factory: () => new Agent({ id: 'b', model }) });
    await resolveAgent(none, { logger });
    await resolveAgent(same, { logger });
    expect(lines).toEqual([]);
  });

  it('inherits the factory db when the agent has none, keeps its own otherwise', async () => {
    const own = new InMemoryDb({ id: 'own' });
    const inherits = new AgentFactory({ id: 'a', db, factory: () => new Agent({ model }) });
    const keeps = new AgentFactory({ id: 'b', db, factory: () => new Agent({ model, db: own }) });
    expect((await resolveAgent(inherits, {})).agent.db).toBe(db);
    expect((await resolveAgent(keeps, {})).agent.db).toBe(own);
  });

  it('does not rename an agent the user shares between registrations', async () => {
    const shared = new Agent({ id: 'shared-plain', model });
    const f = new AgentFactory({ id: 'wrapper', db, factory: () => shared });
    const { agent } = await resolveAgent(f, { logger: recordingLogger().logger });
    expect(agent.id).toBe('wrapper');
    expect(agent.db).toBe(db);
    expect(shared.id).toBe('shared-plain');
    expect(shared.db).toBeUndefined();
    expect(agent.model).toBe(shared.model);
  });
});

describe('a fresh agent per request (§9.8)', () => {
  it('returns two distinct agents for two requests', async () => {
    const f = new AgentFactory({ id: 'fresh', db, factory: () => new Agent({ model }) });
    const [a, b] = await Promise.all([resolveAgent(f, {}), resolveAgent(f, {})]);
    expect(a.agent).not.toBe(b.agent);
    expect(a.ctx.runId).not.toBe(b.ctx.runId);
  });
});

describe('factory failures (§9.9, §3)', () => {
  it.each([
    ['a plain object shaped like an agent', () => ({ id: 'x', model })],
    ['undefined', () => undefined],
    ['a string', () => 'agent'],
    ['a promise of null', async () => null],
  ])('turns %s into FACTORY_ERROR 500 with a generic message', async (_, factory) => {
    const { logger, lines } = recordingLogger();
    const f = new AgentFactory({ id: 'wrong', db, factory: factory as unknown as () => Agent });
    const error = await rejection(resolveAgent(f, { logger }));
    expect(error).toBeInstanceOf(FactoryError);
    expect(error.code).toBe('FACTORY_ERROR');
    expect(error.httpStatus).toBe(500);
    expect(error.publicMessage).toBe('The agent factory failed; see the server logs for details');
    expect(error.message).toMatch(/must return an Agent/);
    expect(lines.map((l) => l.level)).toEqual(['error']);
  });

  it('passes a FactoryPermissionError through as FACTORY_FORBIDDEN 403 with its message', async () => {
    const f = new AgentFactory({
      id: 'guarded',
      db,
      factory: (ctx) => {
        if (ctx.userId !== 'boss') throw new FactoryPermissionError('Only the boss may use this');
        return new Agent({ model });
      },
    });
    const error = await rejection(resolveAgent(f, { userId: 'intern' }));
    expect(error).toBeInstanceOf(FactoryPermissionError);
    expect(error.code).toBe('FACTORY_FORBIDDEN');
    expect(error.httpStatus).toBe(403);
    expect(error.publicMessage).toBe('Only the boss may use this');
    await expect(resolveAgent(f, { userId: 'boss' })).resolves.toBeDefined();
  });

  it('passes a FactoryPermissionError thrown from an async factory', async () => {
    const f = new AgentFactory({
      id: 'guarded',
      db,
      factory: async () => {
        throw new FactoryPermissionError('nope');
      },
    });
    expect((await rejection(resolveAgent(f, {}))).httpStatus).toBe(403);
  });

  it.each([
    ['an Error', new Error('password=hunter2')],
    ['a string', 'password=hunter2'],
    ['an object', { secret: 'password=hunter2' }],
    ['null', null],
  ])('turns %s thrown by the factory into FACTORY_ERROR without leaking it', async (_, thrown) => {
    const { logger, lines } = recordingLogger();
    const f = new AgentFactory({
      id: 'leaky',
      db,
      factory: () => {
        throw thrown;
      },
    });
    const error = await rejection(resolveAgent(f, { logger }));
    expect(error).toBeInstanceOf(FactoryError);
    expect(error.code).toBe('FACTORY_ERROR');
    expect(error.httpStatus).toBe(500);
    expect(error.publicMessage).not.toMatch(/hunter2/);
    expect(error.cause).toBe(thrown);
    // One log line: an error id and a one-line summary (the stack only at debug level).
    expect(lines[0]?.level).toBe('error');
    expect(lines[0]?.details?.errorId).toEqual(expect.any(String));
    expect(lines[0]?.details?.error).toBe(
      thrown instanceof Error ? 'Error: password=hunter2' : `non-Error thrown: ${typeof thrown}`,
    );
  });

  it('hides an internal AgentMintError thrown by the factory behind FACTORY_ERROR', async () => {
    const f = new AgentFactory({
      id: 'internal',
      db,
      factory: () => {
        throw new AgentMintError('INTERNAL', 'connection string postgres://u:secret@h');
      },
    });
    const error = await rejection(resolveAgent(f, { logger: recordingLogger().logger }));
    expect(error.code).toBe('FACTORY_ERROR');
    expect(error.publicMessage).not.toMatch(/secret/);
  });
});

describe('timeoutMs', () => {
  it('fails a slow factory with FACTORY_ERROR and aborts nothing else', async () => {
    const slow = deferred<Agent>();
    const f = new AgentFactory({ id: 'slow', db, timeoutMs: 20, factory: () => slow.promise });
    const { logger } = recordingLogger();
    const error = await rejection(resolveAgent(f, { logger }));
    expect(error.code).toBe('FACTORY_ERROR');
    expect(error.message).toBe("Factory 'slow' timed out after 20 ms");
    expect(error.publicMessage).toBe('The agent factory failed; see the server logs for details');
    slow.resolve(new Agent({ model }));
  });

  it('lets a factory that finishes in time through', async () => {
    const f = new AgentFactory({
      id: 'quick',
      db,
      timeoutMs: 1_000,
      factory: async () => new Agent({ model }),
    });
    expect((await resolveAgent(f, {})).agent.id).toBe('quick');
  });

  it('still reports a factory failure that comes before the timeout', async () => {
    const f = new AgentFactory({
      id: 'quick-fail',
      db,
      timeoutMs: 1_000,
      factory: async () => {
        throw new FactoryPermissionError('no');
      },
    });
    expect((await rejection(resolveAgent(f, {}))).code).toBe('FACTORY_FORBIDDEN');
  });
});

describe('cache', () => {
  function cachedFactory(options: { ttlMs?: number; max?: number } = {}) {
    const built = vi.fn(() => new Agent({ model }));
    const f = new AgentFactory({
      id: 'cached',
      db,
      inputSchema: research,
      cache: {
        key: (ctx) => `${ctx.userId}:${ctx.input.persona}`,
        ttlMs: options.ttlMs ?? 1_000,
        max: options.max ?? 10,
      },
      factory: built,
    });
    return { f, built };
  }

  it('returns the same agent for the same key', async () => {
    const { f, built } = cachedFactory();
    const a = await resolveAgent(f, { userId: 'u' });
    const b = await resolveAgent(f, { userId: 'u' });
    expect(b.agent).toBe(a.agent);
    expect(b.ctx).not.toBe(a.ctx);
    expect(b.ctx.runId).not.toBe(a.ctx.runId);
    expect(built).toHaveBeenCalledTimes(1);
  });

  it('builds again for another key', async () => {
    const { f, built } = cachedFactory();
    const a = await resolveAgent(f, { userId: 'u' });
    const b = await resolveAgent(f, { userId: 'v' });
    const c = await resolveAgent(f, { userId: 'u', factoryInput: { persona: 'skeptic' } });
    expect(new Set([a.agent, b.agent, c.agent]).size).toBe(3);
    expect(built).toHaveBeenCalledTimes(3);
  });

  it('builds again after ttlMs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { f } = cachedFactory({ ttlMs: 100 });
    const a = await resolveAgent(f, { userId: 'u' });
    vi.advanceTimersByTime(99);
    expect((await resolveAgent(f, { userId: 'u' })).agent).toBe(a.agent);
    vi.advanceTimersByTime(1);
    expect((await resolveAgent(f, { userId: 'u' })).agent).not.toBe(a.agent);
  });

  it('keeps at most max agents, dropping the least recently used', async () => {
    const { f, built } = cachedFactory({ max: 2 });
    const a = await resolveAgent(f, { userId: 'a' });
    const b = await resolveAgent(f, { userId: 'b' });
    expect((await resolveAgent(f, { userId: 'a' })).agent).toBe(a.agent); // a is now newest
    await resolveAgent(f, { userId: 'c' }); // evicts b
    expect((await resolveAgent(f, { userId: 'a' })).agent).toBe(a.agent);
    expect((await resolveAgent(f, { userId: 'b' })).agent).not.toBe(b.agent);
    expect(built).toHaveBeenCalledTimes(4);
  });

  it('builds once for concurrent requests with the same key', async () => {
    const gate = deferred();
    const built = vi.fn(async () => {
      await gate.promise;
      return new Agent({ model });
    });
    const f = new AgentFactory({
      id: 'cached',
      db,
      cache: { key: () => 'same', ttlMs: 1_000, max: 10 },
      factory: built,
    });
    const pending = [resolveAgent(f, {}), resolveAgent(f, {})];
    gate.resolve();
    const [a, b] = await Promise.all(pending);
    expect(a?.agent).toBe(b?.agent);
    expect(built).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failure', async () => {
    let calls = 0;
    const f = new AgentFactory({
      id: 'flaky',
      db,
      cache: { key: () => 'k', ttlMs: 1_000, max: 10 },
      factory: () => {
        calls++;
        if (calls === 1) throw new Error('first call fails');
        return new Agent({ model });
      },
    });
    await rejection(resolveAgent(f, { logger: recordingLogger().logger }));
    await expect(resolveAgent(f, {})).resolves.toBeDefined();
    expect(calls).toBe(2);
  });

  it('never caches without the option', async () => {
    const f = new AgentFactory({ id: 'plain', db, factory: () => new Agent({ model }) });
    expect((await resolveAgent(f, {})).agent).not.toBe((await resolveAgent(f, {})).agent);
  });
});

describe('plain agents', () => {
  it('are shared by every request, with a fresh context', async () => {
    const plain = new Agent({ id: 'plain', model });
    const a = await resolveAgent(plain, { userId: 'u' });
    const b = await resolveAgent(plain, {});
    expect(a.agent).toBe(plain);
    expect(b.agent).toBe(plain);
    expect(a.ctx.agentId).toBe('plain');
    expect(a.ctx.runId).not.toBe(b.ctx.runId);
  });
});
