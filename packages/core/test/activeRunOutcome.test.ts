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
