import { describe, expect, it } from 'vitest';
import { Agent, AgentFactory, AgentRuntime, InMemoryDb, silentLogger } from '../src/index.ts';
import { ScriptedModel } from './scriptedModel.ts';

function runtimeWith(model: ScriptedModel) {
  const db = new InMemoryDb({ id: 'db' });
  const factory = new AgentFactory({ id: 'a', db, factory: () => new Agent({ model }) });
  return { runtime: new AgentRuntime({ agents: [factory], logger: silentLogger }), db };
}

describe('ActiveRun.outcome', () => {
  it('resolves with the output when no signal aborts', async () => {
    const { runtime } = runtimeWith(new ScriptedModel([{ text: 'done' }]));
    const run = await runtime.startRun({ agentId: 'a', message: 'hi', caller: {} });
    expect(await run.outcome(new AbortController().signal)).toMatchObject({
      status: 'COMPLETED',
      content: 'done',
    });
  });

  it('stops listening to the client signal once the run has ended', async () => {
    const { runtime } = runtimeWith(new ScriptedModel([{ text: 'done' }]));
    const run = await runtime.startRun({ agentId: 'a', message: 'hi', caller: {} });
    const client = new AbortController();
    await run.outcome(client.signal);
    // An abort after the answer (the socket closed) cancels nothing: the run stays COMPLETED.
    client.abort();
    expect(run.controller.signal.aborted).toBe(false);
    expect((await run.done).status).toBe('COMPLETED');
  });

  it('rejects (does not throw) for an unknown agent, and for a sync factory that throws', async () => {
    const db = new InMemoryDb({ id: 'db' });
    const failing = new AgentFactory({
      id: 'broken',
      db,
      factory: () => {
        throw new Error('boom');
      },
    });
    const runtime = new AgentRuntime({ agents: [failing], logger: silentLogger });
    const unknown = runtime.startRun({ agentId: 'nope', message: 'hi', caller: {} });
    await expect(unknown).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
    const broken = runtime.startRun({ agentId: 'broken', message: 'hi', caller: {} });
    await expect(broken).rejects.toMatchObject({ code: 'FACTORY_ERROR' });
    expect(runtime.activeRunCount).toBe(0);
  });

  it('cancels the run when the client signal aborts (the client gave up)', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { runtime, db } = runtimeWith(new ScriptedModel([{ text: ['a'], release: stalled }]));
    const run = await runtime.startRun({ agentId: 'a', message: 'hi', caller: {} });
    const client = new AbortController();
    const outcome = run.outcome(client.signal);
    client.abort();
    expect(await outcome).toMatchObject({ status: 'CANCELLED' });
    expect((await db.getRun(run.ids.runId))?.status).toBe('CANCELLED');
    release();
  });

  it('cancels at once when the signal is already aborted', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { runtime } = runtimeWith(new ScriptedModel([{ text: ['a'], release: stalled }]));
    const run = await runtime.startRun({ agentId: 'a', message: 'hi', caller: {} });
    expect(await run.outcome(AbortSignal.abort())).toMatchObject({ status: 'CANCELLED' });
    release();
  });
});
