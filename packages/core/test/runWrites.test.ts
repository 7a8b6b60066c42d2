import { describe, expect, it } from 'vitest';
import {
  Agent,
  AgentRuntime,
  InMemoryDb,
  type NewRunRecord,
  type RunEvent,
  type RunResult,
  silentLogger,
  type TerminalRunEvent,
} from '../src/index.ts';
import { ScriptedModel } from './scriptedModel.ts';

/** InMemoryDb that logs each write as it is issued and as it settles; `ordersWrites` is settable. */
class RecordingDb extends InMemoryDb {
  readonly log: string[] = [];
  override ordersWrites: boolean;

  constructor(ordersWrites: boolean) {
    super({ id: 'recording' });
    this.ordersWrites = ordersWrites;
  }

  override async createRun(run: NewRunRecord): Promise<void> {
    this.log.push('createRun');
    await super.createRun(run);
  }

  override async appendEvents(runId: string, events: readonly RunEvent[]): Promise<void> {
    this.log.push(`appendEvents ${events.map((e) => e.seq).join(',')}`);
    await new Promise((resolve) => setImmediate(resolve)); // a store that takes a turn to commit
    await super.appendEvents(runId, events);
    this.log.push('appendEvents stored');
  }

  // The terminal event (seq 6) is stored by finishRun itself, with the final row.
  override async finishRun(
    runId: string,
    result: RunResult,
    terminalEvent: TerminalRunEvent,
  ): Promise<boolean> {
    this.log.push('finishRun');
    return super.finishRun(runId, result, terminalEvent);
  }
}

async function runOnce(db: RecordingDb, streamModel = false) {
  const agent = new Agent({
    id: 'a',
    db,
    model: new ScriptedModel([{ text: ['Hel', 'lo'] }]),
  });
  const runtime = new AgentRuntime({ agents: [agent], logger: silentLogger });
  // Not streamed by default: a streamed call yields a turn first, so its first events go out on their own.
  const run = await runtime.startRun({
    agentId: 'a',
    message: 'hi',
    caller: {},
    streamModel,
  });
  const output = await run.done;
  return { output, events: await db.listEvents(run.ids.runId, 0) };
}

describe('run writes', () => {
  it('stores the events of a run that emits them at once as one batch', async () => {
    const db = new RecordingDb(false);
    const { output, events } = await runOnce(db);
    expect(output.status).toBe('COMPLETED');
    expect(events.map((e) => e.event)).toEqual([
      'RunStarted',
      'ModelRequestStarted',
      'RunContent',
      'ModelRequestCompleted',
      'RunContentCompleted',
      'RunCompleted',
    ]);
    expect(db.log.filter((entry) => /^appendEvents \d/.test(entry))).toEqual([
      'appendEvents 1,2,3,4,5',
    ]);
  });

  it('issues the final row right behind the last events when the store orders its writes', async () => {
    const db = new RecordingDb(true);
    const { output, events } = await runOnce(db);
    expect(output.status).toBe('COMPLETED');
    expect(events).toHaveLength(6);
    expect(db.log).toEqual([
      'createRun',
      'appendEvents 1,2,3,4,5',
      'finishRun',
      'appendEvents stored',
    ]);
  });

  it('issues the last events and the final row behind an append in flight when the store orders its writes', async () => {
    const db = new RecordingDb(true);
    const { output, events } = await runOnce(db, true);
    expect(output.status).toBe('COMPLETED');
    expect(events).toHaveLength(7); // two deltas streamed
    expect(db.log).toEqual([
      'createRun',
      'appendEvents 1,2',
      'appendEvents 3,4,5,6',
      'finishRun',
      'appendEvents stored',
      'appendEvents stored',
    ]);
  });

  it('waits for the append in flight before the last events otherwise', async () => {
    const db = new RecordingDb(false);
    await runOnce(db, true);
    expect(db.log).toEqual([
      'createRun',
      'appendEvents 1,2',
      'appendEvents stored',
      'appendEvents 3,4,5,6',
      'appendEvents stored',
      'finishRun',
    ]);
  });

  it('waits for the events to be stored before the final row otherwise', async () => {
    const db = new RecordingDb(false);
    await runOnce(db);
    expect(db.log).toEqual([
      'createRun',
      'appendEvents 1,2,3,4,5',
      'appendEvents stored',
      'finishRun',
    ]);
  });
});
