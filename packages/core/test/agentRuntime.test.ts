import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type ActiveRun,
  Agent,
  AgentFactory,
  AgentMintError,
  AgentRuntime,
  type Caller,
  createTrustedContext,
  InMemoryDb,
  type Model,
  type RequestContext,
  type RunEvent,
  type RunStatus,
  silentLogger,
  tool,
} from '../src/index.ts';
import { INTERRUPTED } from '../src/leaseKeeper.ts';
import { endOrphanRun } from '../src/orphanRun.ts';
import { deferred, recordingLogger, ScriptedModel, type ScriptedTurn } from './scriptedModel.ts';

const anonymous: Caller = {};
const alice: Caller = { userId: 'alice', scope: { userId: 'alice' } };
const bob: Caller = { userId: 'bob', scope: { userId: 'bob' } };
const research = z.object({
  persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
  depth: z.number().int().default(3),
});

function runtimeWith(model: Model, options: { maxConcurrentRunsPerUser?: number } = {}) {
  const db = new InMemoryDb({ id: 'db' });
  const seen: RequestContext[] = [];
  const factory = new AgentFactory({
    id: 'research-agent',
    db,
    inputSchema: research,
    factory: (ctx) => {
      seen.push(ctx);
      return new Agent({ model, instructions: `persona ${ctx.input.persona}` });
    },
  });
  const runtime = new AgentRuntime({ agents: [factory], logger: silentLogger, ...options });
  return { db, runtime, seen };
}

async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const all: RunEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function nextEvent(run: ActiveRun, name: RunEvent['event']): Promise<RunEvent> {
  for await (const event of run.subscribe()) if (event.event === name) return event;
  throw new Error(`run ended without ${name}`);
}

describe('AgentRuntime.startRun: a completed run', () => {
  it('emits the Agno event sequence with seq 1..n and records RUNNING then COMPLETED', async () => {
    let statusDuringModelCall: RunStatus | undefined;
    const { runtime, db } = runtimeWith(
      new ScriptedModel([{ text: ['Hel', 'lo'], usage: { inputTokens: 5, outputTokens: 2 } }], {
        onRequest: async () => {
          const runs = await db.listRuns({});
          statusDuringModelCall = runs[0]?.status;
        },
      }),
    );
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'Trends?',
      caller: anonymous,
    });
    const events = await collect(runtime.events(run.ids.runId));
    const output = await run.done;

    expect(statusDuringModelCall).toBe('RUNNING');
    expect(events.map((e) => e.event)).toEqual([
      'RunStarted',
      'ModelRequestStarted',
      'RunContent',
      'RunContent',
      'ModelRequestCompleted',
      'RunContentCompleted',
      'RunCompleted',
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const event of events) {
      expect(event).toMatchObject({
        agentId: 'research-agent',
        runId: run.ids.runId,
        sessionId: run.ids.sessionId,
      });
    }
    expect(events[0]).toMatchObject({ model: 'scripted-1', modelProvider: 'Scripted' });
    expect(events.at(-1)).toMatchObject({
      content: 'Hello',
      metrics: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
    });

    expect(output).toMatchObject({
      status: 'COMPLETED',
      content: 'Hello',
      contentType: 'str',
      agentId: 'research-agent',
      userId: null,
      model: 'scripted-1',
      error: null,
    });
    const record = await runtime.getRun(run.ids.runId);
    expect(record.status).toBe('COMPLETED');
    expect(record.createdAt).toEqual(output.createdAt);
    expect(record.factoryInput).toEqual({ persona: 'analyst', depth: 3 });
    expect(record.messages).toEqual([
      { role: 'user', content: 'Trends?' },
      { role: 'assistant', content: 'Hello' },
    ]);
    expect(await db.listEvents(run.ids.runId, 0)).toEqual(events);
    expect(runtime.activeRunCount).toBe(0);
  });

  it('rejects an empty message before calling the factory', async () => {
    const { runtime, seen } = runtimeWith(new ScriptedModel([]));
    await expect(
      runtime.startRun({ agentId: 'research-agent', message: '', caller: anonymous }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(seen).toHaveLength(0);
  });

  it('rejects an unknown agent with AGENT_NOT_FOUND', async () => {
    const { runtime } = runtimeWith(new ScriptedModel([]));
    await expect(
      runtime.startRun({ agentId: 'nope', message: 'hi', caller: anonymous }),
    ).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND', httpStatus: 404 });
  });

  it('checks authorizeRun before the factory', async () => {
    const { runtime, seen } = runtimeWith(new ScriptedModel([]));
    const denied: Caller = {
      authorizeRun: () => {
        throw new AgentMintError('FORBIDDEN', 'needs agents:run');
      },
    };
    await expect(
      runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: denied }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(seen).toHaveLength(0);
  });
});

describe('AgentRuntime.startRun: failures', () => {
  it('ends with RunError MODEL_ERROR, status ERROR and no internal message when the model throws', async () => {
    const { logger, lines } = recordingLogger();
    const db = new InMemoryDb();
    const model = new ScriptedModel([{ error: new Error('upstream said: key sk-secret invalid') }]);
    const runtime = new AgentRuntime({
      agents: [new AgentFactory({ id: 'a', db, factory: () => new Agent({ model }) })],
      logger,
    });
    const run = await runtime.startRun({ agentId: 'a', message: 'hi', caller: anonymous });
    const events = await collect(run.subscribe());
    const output = await run.done;
    expect(events.map((e) => e.event)).toEqual(['RunStarted', 'ModelRequestStarted', 'RunError']);
    const error = events.at(-1);
    expect(error).toMatchObject({ error: { code: 'MODEL_ERROR' } });
    expect(JSON.stringify(error)).not.toMatch(/sk-secret/);
    expect(output.status).toBe('ERROR');
    expect(output.error?.code).toBe('MODEL_ERROR');
    expect(JSON.stringify(output)).not.toMatch(/sk-secret/);
    expect((await runtime.getRun(run.ids.runId)).status).toBe('ERROR');
    expect(lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('records no run and frees the slot when the factory fails', async () => {
    const db = new InMemoryDb();
    const runtime = new AgentRuntime({
      agents: [
        new AgentFactory({
          id: 'a',
          db,
          factory: () => {
            throw new Error('boom');
          },
        }),
      ],
      logger: silentLogger,
      maxConcurrentRunsPerUser: 1,
    });
    for (let i = 0; i < 3; i++) {
      await expect(
        runtime.startRun({ agentId: 'a', message: 'hi', caller: alice }),
      ).rejects.toMatchObject({ code: 'FACTORY_ERROR' });
    }
    expect(await db.listRuns({})).toEqual([]);
  });

  it('reports MAX_STEPS as a RunError', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'c1', name: 'missing', arguments: '{}' }] },
    ]);
    const runtime = new AgentRuntime({
      agents: [new Agent({ id: 'plain', model, maxSteps: 1 })],
      logger: silentLogger,
    });
    const run = await runtime.startRun({ agentId: 'plain', message: 'hi', caller: anonymous });
    const output = await run.done;
    expect(output.status).toBe('ERROR');
    expect(output.error?.code).toBe('MAX_STEPS');
  });
});

describe('AgentRuntime: cancel', () => {
  it('ends a run mid-stream with RunCancelled and status CANCELLED', async () => {
    const { runtime } = runtimeWith(
      new ScriptedModel([{ text: ['partial '], release: new Promise(() => {}) }]),
    );
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: alice,
    });
    await nextEvent(run, 'RunContent');
    const record = await runtime.cancelRun(run.ids.runId, alice.scope);
    expect(record.status).toBe('CANCELLED');
    const events = await collect(runtime.events(run.ids.runId, { scope: alice.scope }));
    expect(events.map((e) => e.event)).toEqual([
      'RunStarted',
      'ModelRequestStarted',
      'RunContent',
      'RunCancelled',
    ]);
    expect(events.at(-1)).toMatchObject({ reason: 'cancelled by request' });
    expect((await run.done).status).toBe('CANCELLED');
  });

  it('does not let another user cancel the run', async () => {
    const gate = deferred();
    const { runtime } = runtimeWith(new ScriptedModel([{ text: ['x'], release: gate.promise }]));
    const run = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    await expect(runtime.cancelRun(run.ids.runId, bob.scope)).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
    gate.resolve();
    expect((await run.done).status).toBe('COMPLETED');
  });

  it('closes a RUNNING row left by a crashed process as CANCELLED, without any factory', async () => {
    const { runtime, db, seen } = runtimeWith(new ScriptedModel([]));
    await db.createRun({
      runId: 'orphan',
      sessionId: 's',
      agentId: 'research-agent',
      userId: null,
      input: 'hi',
      factoryInput: null,
      model: null,
      modelProvider: null,
      createdAt: new Date(),
    });
    expect((await runtime.cancelRun('orphan')).status).toBe('CANCELLED');
    expect((await db.getRun('orphan'))?.status).toBe('CANCELLED');
    expect(seen).toHaveLength(0);
  });
});

describe('AgentRuntime.events: resume', () => {
  it('replays a live run after afterSeq, then follows it, without duplicates', async () => {
    const gate = deferred();
    const { runtime } = runtimeWith(
      new ScriptedModel([{ text: ['a', 'b'], release: gate.promise }]),
    );
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
    });
    const first: RunEvent[] = [];
    for await (const event of runtime.events(run.ids.runId)) {
      first.push(event);
      if (first.length === 3) break; // the client drops after seq 3
    }
    const resumed = collect(runtime.events(run.ids.runId, { afterSeq: 3 }));
    gate.resolve();
    const rest = await resumed;
    const all = [...first, ...rest];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.at(-1)?.event).toBe('RunCompleted');
  });

  it('replays a finished run from its store after afterSeq', async () => {
    const { runtime } = runtimeWith(new ScriptedModel([{ text: ['a', 'b', 'c'] }]));
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
    });
    await run.done;
    const all = await collect(runtime.events(run.ids.runId));
    const after = await collect(runtime.events(run.ids.runId, { afterSeq: 4 }));
    expect(after).toEqual(all.slice(4));
  });

  it('ends a live subscription that starts after the last event', async () => {
    const { runtime } = runtimeWith(new ScriptedModel([{ text: 'done' }]));
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
    });
    const all = await collect(run.subscribe());
    expect(await collect(run.subscribe(all.length))).toEqual([]);
    expect(await collect(run.subscribe(all.length + 5))).toEqual([]);
  });

  it('treats a fractional or invalid afterSeq sanely', async () => {
    const { runtime } = runtimeWith(new ScriptedModel([{ text: ['a', 'b'] }]));
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
    });
    const all = await collect(run.subscribe());
    expect((await collect(run.subscribe(2.5))).map((e) => e.seq)).toEqual(
      all.filter((e) => e.seq > 2.5).map((e) => e.seq),
    );
    expect(await collect(run.subscribe(Number.NaN))).toEqual(all);
    expect(await collect(run.subscribe(-3))).toEqual(all);
  });

  it("hides another user's run", async () => {
    const { runtime } = runtimeWith(new ScriptedModel([{ text: 'x' }]));
    const run = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    await run.done;
    await expect(
      collect(runtime.events(run.ids.runId, { scope: bob.scope })),
    ).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });
});

describe('AgentRuntime.continueRun', () => {
  it('rebuilds the agent with the stored factory input, in the same session, with history', async () => {
    const model = new ScriptedModel([{ text: 'first answer' }, { text: 'second answer' }]);
    const { runtime, seen } = runtimeWith(model);
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'first question',
      caller: alice,
      factoryInput: { persona: 'skeptic', depth: 5 },
    });
    await run.done;
    const next = await runtime.continueRun({
      runId: run.ids.runId,
      input: 'second question',
      caller: alice,
    });
    const output = await next.done;
    expect(output.content).toBe('second answer');
    expect(seen.map((ctx) => ctx.input)).toEqual([
      { persona: 'skeptic', depth: 5 },
      { persona: 'skeptic', depth: 5 },
    ]);
    // Agno's meaning: a completed run goes on with the new input, on the same run id.
    expect(next.ids.sessionId).toBe(run.ids.sessionId);
    expect(next.ids.runId).toBe(run.ids.runId);
    expect(model.requests[1]?.messages).toEqual([
      { role: 'system', content: 'persona skeptic' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'second question' },
    ]);
    const stored = await runtime.getRun(next.ids.runId);
    expect(stored.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(stored.factoryInput).toEqual({
      persona: 'skeptic',
      depth: 5,
    });
  });

  it("refuses to continue another user's run", async () => {
    const { runtime, seen } = runtimeWith(new ScriptedModel([{ text: 'x' }]));
    const run = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    await run.done;
    await expect(
      runtime.continueRun({ runId: run.ids.runId, input: 'mine now', caller: bob }),
    ).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    expect(seen).toHaveLength(1);
  });
});

describe('AgentRuntime: sessions and history', () => {
  it("rejects another user's sessionId before building any agent", async () => {
    const { runtime, seen } = runtimeWith(new ScriptedModel([{ text: 'x' }]));
    const run = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    await run.done;
    await expect(
      runtime.startRun({
        agentId: 'research-agent',
        message: 'let me in',
        caller: bob,
        sessionId: run.ids.sessionId,
      }),
    ).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND', httpStatus: 404 });
    expect(seen).toHaveLength(1);
  });

  it('lets the owner reuse a session, and a client pick a new session id', async () => {
    const { runtime, seen } = runtimeWith(
      new ScriptedModel([{ text: 'x' }, { text: 'y' }, { text: 'z' }]),
    );
    const run = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    await run.done;
    const again = await runtime.startRun({
      agentId: 'research-agent',
      message: 'again',
      caller: alice,
      sessionId: run.ids.sessionId,
    });
    await again.done;
    const fresh = await runtime.startRun({
      agentId: 'research-agent',
      message: 'new',
      caller: bob,
      sessionId: 'bobs-own-session',
    });
    await fresh.done;
    expect(seen.map((ctx) => ctx.sessionId)).toEqual([
      run.ids.sessionId,
      run.ids.sessionId,
      'bobs-own-session',
    ]);
    expect((await runtime.getSession('bobs-own-session', bob.scope)).session.userId).toBe('bob');
  });

  it('loads history only for an existing session', async () => {
    const model = new ScriptedModel([{ text: 'one' }, { text: 'two' }, { text: 'three' }]);
    const { runtime, db } = runtimeWith(model);
    const loadHistory = vi.spyOn(db, 'loadHistory');
    const first = await runtime.startRun({
      agentId: 'research-agent',
      message: 'q1',
      caller: alice,
    });
    await first.done;
    expect(loadHistory).not.toHaveBeenCalled();
    expect(model.requests[0]?.messages.map((m) => m.content)).toEqual(['persona analyst', 'q1']);

    const second = await runtime.startRun({
      agentId: 'research-agent',
      message: 'q2',
      caller: alice,
      sessionId: first.ids.sessionId,
    });
    await second.done;
    expect(loadHistory).toHaveBeenCalledTimes(1);
    expect(model.requests[1]?.messages.map((m) => m.content)).toEqual([
      'persona analyst',
      'q1',
      'one',
      'q2',
    ]);

    const third = await runtime.startRun({
      agentId: 'research-agent',
      message: 'q3',
      caller: alice,
      sessionId: 'never-seen-before',
    });
    await third.done;
    expect(model.requests[2]?.messages.map((m) => m.content)).toEqual(['persona analyst', 'q3']);
  });

  it('lists, renames and deletes sessions within the caller scope', async () => {
    const { runtime } = runtimeWith(new ScriptedModel([{ text: 'x' }, { text: 'y' }]));
    const a = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    const b = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: bob });
    await Promise.all([a.done, b.done]);
    expect((await runtime.listSessions({}, alice.scope)).map((s) => s.sessionId)).toEqual([
      a.ids.sessionId,
    ]);
    expect(await runtime.listSessions({})).toHaveLength(2);
    await expect(runtime.renameSession(a.ids.sessionId, 'x', bob.scope)).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
    expect((await runtime.renameSession(a.ids.sessionId, 'mine', alice.scope)).name).toBe('mine');
    await expect(runtime.deleteSession(a.ids.sessionId, bob.scope)).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
    await runtime.deleteSession(a.ids.sessionId, alice.scope);
    await expect(runtime.getSession(a.ids.sessionId)).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
  });
});

describe('AgentRuntime: limits and shutdown', () => {
  it('refuses more than maxConcurrentRunsPerUser with TOO_MANY_RUNS, per user', async () => {
    const gate = deferred();
    const turns: ScriptedTurn[] = [
      { text: ['a'], release: gate.promise },
      { text: 'b' },
      { text: 'c' },
    ];
    const { runtime, seen } = runtimeWith(new ScriptedModel(turns), {
      maxConcurrentRunsPerUser: 1,
    });
    const first = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: alice,
    });
    const refused = await runtime
      .startRun({ agentId: 'research-agent', message: 'hi', caller: alice })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'TOO_MANY_RUNS', httpStatus: 429 });
    expect(seen).toHaveLength(1);
    const other = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: bob });
    gate.resolve();
    await Promise.all([first.done, other.done]);
    const later = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: alice,
    });
    expect((await later.done).status).toBe('COMPLETED');
  });

  it('close() lets a run finish within the grace period', async () => {
    const gate = deferred();
    const { runtime } = runtimeWith(new ScriptedModel([{ text: ['a'], release: gate.promise }]));
    const run = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    const closed = runtime.close({ graceMs: 5_000 });
    await expect(
      runtime.startRun({ agentId: 'research-agent', message: 'late', caller: alice }),
    ).rejects.toMatchObject({ code: 'SHUTTING_DOWN', httpStatus: 503 });
    gate.resolve();
    await closed;
    expect((await run.done).status).toBe('COMPLETED');
  });

  it('close() cancels what is still running after the grace period', async () => {
    const { runtime } = runtimeWith(
      new ScriptedModel([{ text: ['a'], release: new Promise(() => {}) }]),
    );
    const run = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    await runtime.close({ graceMs: 10 });
    const output = await run.done;
    expect(output.status).toBe('CANCELLED');
    const events = await collect(run.subscribe());
    expect(events.at(-1)).toMatchObject({ event: 'RunCancelled', reason: 'server shutting down' });
  });

  it('close() does not close the store under a run whose factory was still building', async () => {
    const building = deferred();
    const db = new InMemoryDb();
    const order: string[] = [];
    const close = db.close.bind(db);
    const finishRun = db.finishRun.bind(db);
    db.close = async () => {
      order.push('store closed');
      await close();
    };
    db.finishRun = async (...args) => {
      order.push('run finished');
      return finishRun(...args);
    };
    const model = new ScriptedModel([{ text: 'built late' }]);
    const runtime = new AgentRuntime({
      agents: [
        new AgentFactory({
          id: 'slow',
          db,
          factory: async () => {
            await building.promise;
            return new Agent({ model });
          },
        }),
      ],
      logger: silentLogger,
    });
    const starting = runtime.startRun({ agentId: 'slow', message: 'hi', caller: alice });
    await new Promise((resolve) => setTimeout(resolve, 1));
    const closed = runtime.close({ graceMs: 5_000 });
    building.resolve();
    const outcome = await starting.then(
      (run) => run.done.then((o) => o.status),
      (error: AgentMintError) => error.code,
    );
    await closed;
    // Either the start is refused, or the run it started is finished before the store closes.
    if (outcome === 'SHUTTING_DOWN') expect(order).toEqual(['store closed']);
    else expect(order).toEqual(['run finished', 'store closed']);
    expect(runtime.activeRunCount).toBe(0);
  });
});

describe('AgentRuntime: stores', () => {
  it('reports a history store failure as STORE_UNAVAILABLE, not MODEL_ERROR', async () => {
    const { runtime, db } = runtimeWith(new ScriptedModel([{ text: 'x' }, { text: 'y' }]));
    const first = await runtime.startRun({
      agentId: 'research-agent',
      message: 'a',
      caller: alice,
    });
    await first.done;
    vi.spyOn(db, 'loadHistory').mockRejectedValueOnce(new Error('connection reset'));
    const second = await runtime.startRun({
      agentId: 'research-agent',
      message: 'b',
      caller: alice,
      sessionId: first.ids.sessionId,
    });
    const output = await second.done;
    expect(output.status).toBe('ERROR');
    expect(output.error).toEqual({
      code: 'STORE_UNAVAILABLE',
      message: 'Could not load the session history; retry shortly',
    });
  });

  it('refuses a run with STORE_UNAVAILABLE when its row cannot be written', async () => {
    const { runtime, db } = runtimeWith(new ScriptedModel([{ text: 'x' }]));
    vi.spyOn(db, 'createRun').mockRejectedValueOnce(new Error('disk full'));
    await expect(
      runtime.startRun({ agentId: 'research-agent', message: 'a', caller: alice }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', httpStatus: 503 });
    expect(runtime.activeRunCount).toBe(0);
  });

  it('finds runs of an agent that brought its own db, and says the db is unregistered', async () => {
    const { logger, lines } = recordingLogger();
    const factoryDb = new InMemoryDb({ id: 'factory' });
    const tenantDb = new InMemoryDb({ id: 'tenant' });
    const model = new ScriptedModel([{ text: 'x' }, { text: 'y' }]);
    const runtime = new AgentRuntime({
      agents: [
        new AgentFactory({
          id: 'tenant-agent',
          db: factoryDb,
          factory: () => new Agent({ model, db: tenantDb }),
        }),
      ],
      logger,
    });
    const run = await runtime.startRun({ agentId: 'tenant-agent', message: 'a', caller: alice });
    await run.done;
    expect((await tenantDb.getRun(run.ids.runId))?.status).toBe('COMPLETED');
    expect((await runtime.getRun(run.ids.runId, alice.scope, 'tenant-agent')).status).toBe(
      'COMPLETED',
    );
    expect(await collect(runtime.events(run.ids.runId))).toHaveLength(6);
    expect(runtime.stores).toContain(tenantDb);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/db 'tenant', which is not registered/);
    const again = await runtime.startRun({ agentId: 'tenant-agent', message: 'b', caller: alice });
    await again.done;
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('pages sessions over every store as one list', async () => {
    const dbA = new InMemoryDb({ id: 'a' });
    const dbB = new InMemoryDb({ id: 'b' });
    const model = new ScriptedModel(Array.from({ length: 4 }, () => ({ text: 'x' })));
    const runtime = new AgentRuntime({
      agents: [
        new AgentFactory({ id: 'agent-a', db: dbA, factory: () => new Agent({ model }) }),
        new AgentFactory({ id: 'agent-b', db: dbB, factory: () => new Agent({ model }) }),
      ],
      logger: silentLogger,
    });
    const ids: string[] = [];
    for (const agentId of ['agent-a', 'agent-b', 'agent-a', 'agent-b']) {
      const run = await runtime.startRun({ agentId, message: 'hi', caller: anonymous });
      await run.done;
      ids.push(run.ids.sessionId);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const newestFirst = [...ids].reverse();
    expect((await runtime.listSessions({})).map((s) => s.sessionId)).toEqual(newestFirst);
    expect((await runtime.listSessions({ limit: 2 })).map((s) => s.sessionId)).toEqual(
      newestFirst.slice(0, 2),
    );
    expect((await runtime.listSessions({ offset: 1, limit: 2 })).map((s) => s.sessionId)).toEqual(
      newestFirst.slice(1, 3),
    );
  });
});

describe('AgentRuntime: runs end to end', () => {
  it("gives a tool the run's context: the caller's verified user and claims", async () => {
    let seen: RequestContext | undefined;
    const whoami = tool({
      name: 'whoami',
      description: 'who is asking',
      parameters: z.object({}),
      execute: (_, { ctx }) => {
        seen = ctx;
        return { user: ctx.userId, tenant: ctx.trusted.claims.tenant };
      },
    });
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'c1', name: 'whoami', arguments: '{}' }] },
      { text: 'you are alice' },
    ]);
    let factoryCtx: RequestContext | undefined;
    const runtime = new AgentRuntime({
      agents: [
        new AgentFactory({
          id: 'a',
          db: new InMemoryDb(),
          factory: (ctx) => {
            factoryCtx = ctx;
            return new Agent({ model, tools: [whoami] });
          },
        }),
      ],
      logger: silentLogger,
    });
    const caller: Caller = {
      userId: 'alice',
      scope: { userId: 'alice' },
      trusted: createTrustedContext({
        claims: { sub: 'alice', tenant: 't-1' },
        scopes: ['agents:run'],
        source: 'jwt',
      }),
    };
    const run = await runtime.startRun({ agentId: 'a', message: 'who am I?', caller });
    const events = await collect(run.subscribe());
    expect(seen).toBe(factoryCtx);
    expect(seen?.userId).toBe('alice');
    expect(seen?.trusted.source).toBe('jwt');
    expect(events.find((e) => e.event === 'ToolCallCompleted')).toMatchObject({
      tool: { toolName: 'whoami', result: '{"user":"alice","tenant":"t-1"}' },
    });
    expect((await run.done).content).toBe('you are alice');
  });

  it('asks for whole answers when streamModel is false', async () => {
    const { runtime } = runtimeWith(new ScriptedModel([{ text: 'whole' }]));
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
      streamModel: false,
    });
    const events = await collect(run.subscribe());
    expect(events.filter((e) => e.event === 'RunContent')).toMatchObject([{ content: 'whole' }]);
    expect((await run.done).content).toBe('whole');
  });

  it('passes the code and public message of an AgentMintError the model throws', async () => {
    const { runtime } = runtimeWith(
      new ScriptedModel([
        {
          error: new AgentMintError('MODEL_ERROR', 'provider 429: quota of org-123', {
            publicMessage: 'The model provider is rate limiting; retry later',
          }),
        },
      ]),
    );
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
    });
    expect((await run.done).error).toEqual({
      code: 'MODEL_ERROR',
      message: 'The model provider is rate limiting; retry later',
    });
  });

  it('cancels a run once its last subscriber has been gone for cancelAfterMs', async () => {
    const { runtime } = runtimeWith(
      new ScriptedModel([{ text: ['a'], release: new Promise(() => {}) }]),
    );
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
    });
    for await (const event of runtime.events(run.ids.runId, { cancelAfterMs: 10 })) {
      if (event.event === 'RunContent') break; // the client disconnects
    }
    const output = await run.done;
    expect(output.status).toBe('CANCELLED');
    const events = await collect(runtime.events(run.ids.runId));
    expect(events.at(-1)).toMatchObject({ event: 'RunCancelled', reason: 'client disconnected' });
  });

  it('keeps the run when the client re-subscribes within cancelAfterMs', async () => {
    const gate = deferred();
    const { runtime } = runtimeWith(new ScriptedModel([{ text: ['a'], release: gate.promise }]));
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
    });
    for await (const event of runtime.events(run.ids.runId, { cancelAfterMs: 50 })) {
      if (event.event === 'RunContent') break;
    }
    const resumed = collect(runtime.events(run.ids.runId, { afterSeq: 3, cancelAfterMs: 50 }));
    await new Promise((resolve) => setTimeout(resolve, 80));
    gate.resolve();
    expect((await resumed).at(-1)?.event).toBe('RunCompleted');
    expect((await run.done).status).toBe('COMPLETED');
  });

  it('retries storing events when the store stumbles, and stores each once', async () => {
    const { runtime, db } = runtimeWith(new ScriptedModel([{ text: ['a', 'b', 'c'] }]));
    const append = db.appendEvents.bind(db);
    let failures = 2;
    vi.spyOn(db, 'appendEvents').mockImplementation(async (runId, events) => {
      if (failures-- > 0) throw new Error('connection reset');
      await append(runId, events);
    });
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'hi',
      caller: anonymous,
    });
    const live = await collect(run.subscribe());
    await run.done;
    expect(await db.listEvents(run.ids.runId, 0)).toEqual(live);
  });

  it('still finishes the run when events cannot be stored at all', async () => {
    const { logger, lines } = recordingLogger();
    const db = new InMemoryDb();
    vi.spyOn(db, 'appendEvents').mockRejectedValue(new Error('read-only'));
    const runtime = new AgentRuntime({
      agents: [
        new AgentFactory({
          id: 'a',
          db,
          factory: () => new Agent({ model: new ScriptedModel([{ text: 'ok' }]) }),
        }),
      ],
      logger,
    });
    const run = await runtime.startRun({ agentId: 'a', message: 'hi', caller: anonymous });
    expect((await run.done).status).toBe('COMPLETED');
    expect((await db.getRun(run.ids.runId))?.status).toBe('COMPLETED');
    expect(lines.some((l) => l.message === 'storing run events failed')).toBe(true);
  });
});

describe('AgentRuntime: a run ended elsewhere first', () => {
  it("ends its live subscribers with the stored ending, not this process's own", async () => {
    const gate = deferred();
    const { runtime, db } = runtimeWith(
      new ScriptedModel([{ text: ['finished late'], release: gate.promise }]),
    );
    const run = await runtime.startRun({ agentId: 'research-agent', message: 'hi', caller: alice });
    const watched = collect(run.subscribe());
    // Another process took this one for dead (a stall longer than its lease) and ended the run.
    const record = await db.getRun(run.ids.runId);
    if (!record) throw new Error('the run has no record');
    await endOrphanRun(db, record, { event: 'RunError', error: INTERRUPTED });
    gate.resolve();
    const output = await run.done;
    const events = await watched;
    expect(output.status).toBe('ERROR');
    expect(events.at(-1)).toMatchObject({
      event: 'RunError',
      error: { code: 'RUN_INTERRUPTED' },
    });
    expect(events.some((event) => event.event === 'RunCompleted')).toBe(false);
    const stored = await db.listEvents(run.ids.runId, 0);
    expect(stored.findLast((event) => event.event === 'RunError')).toEqual(events.at(-1));
  });
});
