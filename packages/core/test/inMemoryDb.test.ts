import { describe, expect, it } from 'vitest';
import { InMemoryDb, type NewRunRecord, type RunResult } from '../src/index.ts';

const run = (runId: string, userId: string | null, sessionId = 's'): NewRunRecord => ({
  runId,
  sessionId,
  agentId: 'a',
  userId,
  input: 'hi',
  factoryInput: null,
  model: 'm',
  modelProvider: 'p',
  createdAt: new Date(),
});
const completed = (content: string): RunResult => ({
  status: 'COMPLETED',
  content,
  metrics: null,
  error: null,
  messages: [
    { role: 'user', content: `q ${content}` },
    { role: 'assistant', content },
  ],
  updatedAt: new Date(),
});

describe('InMemoryDb', () => {
  it('loads the latest completed runs as history, and none when asked for 0', async () => {
    const db = new InMemoryDb();
    for (const id of ['r1', 'r2', 'r3']) {
      await db.createRun(run(id, 'u'));
      await db.finishRun(id, completed(id), {
        event: 'RunCompleted',
        seq: 1,
        createdAt: Date.now(),
        agentId: 'a',
        runId: id,
        sessionId: 's',
        content: id,
        metrics: {
          duration: 0,
          timeToFirstToken: null,
          inputTokens: 0,
          outputTokens: 0,
          totalTokens: 0,
        },
      });
    }
    await db.createRun(run('r4', 'u'));
    const history = await db.loadHistory('s', { runs: 2 });
    expect(history.map((m) => m.content)).toEqual(['q r2', 'r2', 'q r3', 'r3']);
    expect(await db.loadHistory('s', { runs: 0 })).toEqual([]);
    expect(await db.loadHistory('s', { runs: 5, excludeRunId: 'r3' })).toHaveLength(4);
    expect(await db.loadHistory('s', { runs: 5 }, { userId: 'other' })).toEqual([]);
  });

  it('lists runs newest first, honouring limit 0', async () => {
    const db = new InMemoryDb();
    await db.createRun(run('r1', 'u'));
    await db.createRun(run('r2', 'u'));
    expect((await db.listRuns({})).map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect(await db.listRuns({ limit: 0 })).toEqual([]);
  });

  it('appends events idempotently on (runId, seq)', async () => {
    const db = new InMemoryDb();
    await db.createRun(run('r1', null));
    const event = (seq: number) => ({
      event: 'RunContent' as const,
      content: `${seq}`,
      seq,
      createdAt: 0,
      agentId: 'a',
      runId: 'r1',
      sessionId: 's',
    });
    await db.appendEvents('r1', [event(1), event(2)]);
    await db.appendEvents('r1', [event(2), event(3)]);
    expect((await db.listEvents('r1', 0)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await db.listEvents('r1', 2)).map((e) => e.seq)).toEqual([3]);
  });

  it('scopes sessions to their owner', async () => {
    const db = new InMemoryDb();
    await db.createRun(run('r1', 'alice', 'sa'));
    await db.createRun(run('r2', 'bob', 'sb'));
    expect(await db.getSession('sa', { userId: 'bob' })).toBeUndefined();
    expect((await db.listSessions({}, { userId: 'bob' })).map((s) => s.sessionId)).toEqual(['sb']);
    expect(await db.deleteSession('sa', { userId: 'bob' })).toBe(false);
    expect(await db.deleteSession('sa', { userId: 'alice' })).toBe(true);
    expect(await db.getRun('r1')).toBeUndefined();
  });
  it('sweeps only runs still executing: finished, paused and deleted ones drop out, a resumed one is back', async () => {
    const db = new InMemoryDb();
    const ids = ['done', 'paused', 'running', 'resumed', 'deleted'];
    for (const id of ids) await db.createRun(run(id, 'u', id === 'deleted' ? 'gone' : 's'));
    const base = { seq: 1, createdAt: 0, agentId: 'a', sessionId: 's' };
    const metrics = {
      duration: 0,
      timeToFirstToken: null,
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
    };
    await db.finishRun('done', completed('x'), {
      ...base,
      event: 'RunCompleted',
      runId: 'done',
      content: 'x',
      metrics,
    });
    const usage = { inputTokens: 0, outputTokens: 0 };
    for (const id of ['paused', 'resumed']) {
      await db.pauseRun(
        id,
        { pause: { pending: [], usage }, messages: [], updatedAt: new Date() },
        { ...base, event: 'RunPaused', runId: id, tools: [] },
      );
    }
    await db.resumeRun('resumed', { from: 'PAUSED', updatedAt: new Date(0) });
    await db.deleteSession('gone');
    const future = new Date(Date.now() + 60_000);
    const stale = await db.listStaleRuns({
      leaseExpiredBefore: future,
      writtenBefore: future,
      limit: 10,
    });
    expect(stale.map((r) => r.runId)).toEqual(['running', 'resumed']);
  });

  it('keeps events in seq order whatever order they come in, and a finished run reads as written', async () => {
    const db = new InMemoryDb();
    const lease = { ownerId: 'owner', expiresAt: new Date(1_000) };
    const created = run('r1', 'u');
    await db.createRun({ ...created, lease });
    const event = (seq: number, content = `${seq}`) => ({
      event: 'RunContent' as const,
      content,
      seq,
      createdAt: 0,
      agentId: 'a',
      runId: 'r1',
      sessionId: 's',
    });
    await db.appendEvents('r1', [event(1), event(2)]);
    await db.appendEvents('r1', [event(4)]);
    await db.appendEvents('r1', [event(3), event(2, 'retried')]);
    const result = completed('answer');
    const metrics = {
      duration: 1,
      timeToFirstToken: null,
      inputTokens: 2,
      outputTokens: 3,
      totalTokens: 5,
    };
    await db.finishRun(
      'r1',
      { ...result, metrics },
      { ...event(5), event: 'RunCompleted', content: 'answer', metrics },
    );
    const events = await db.listEvents('r1', 0);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[1]).toMatchObject({ content: '2' });
    expect(await db.getRun('r1')).toStrictEqual({
      ...created,
      lease,
      status: 'COMPLETED',
      pause: null,
      content: 'answer',
      output: null,
      metrics,
      error: null,
      messages: result.messages,
      updatedAt: result.updatedAt,
    });
    // A run recorded without a lease has no `lease` key, running or finished.
    await db.createRun(run('r2', 'u'));
    expect(await db.getRun('r2')).not.toHaveProperty('lease');
    await db.finishRun('r2', completed('x'), {
      ...event(1),
      runId: 'r2',
      event: 'RunCompleted',
      content: 'x',
      metrics,
    });
    expect(await db.getRun('r2')).not.toHaveProperty('lease');
    // A continue of the completed run goes on after its last event.
    await db.resumeRun('r1', { from: 'COMPLETED', updatedAt: new Date() });
    await db.appendEvents('r1', [event(6)]);
    expect((await db.listEvents('r1', 4)).map((e) => e.seq)).toEqual([5, 6]);
  });
});
