import { describe, expect, it } from 'vitest';
import {
  Agent,
  AgentFactory,
  AgentRuntime,
  InMemoryDb,
  type RunEvent,
  silentLogger,
} from '../src/index.ts';
import { ScriptedModel } from './scriptedModel.ts';

async function collect(events: AsyncGenerator<RunEvent>): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe('ActiveRun.subscribe', () => {
  it('wakes every subscriber waiting for the next event, and replays to late ones', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const model = new ScriptedModel([{ text: ['a', 'b', 'c'], release: stalled }]);
    const db = new InMemoryDb({ id: 'db' });
    const factory = new AgentFactory({ id: 'a', db, factory: () => new Agent({ model }) });
    const runtime = new AgentRuntime({ agents: [factory], logger: silentLogger });
    const run = await runtime.startRun({ agentId: 'a', message: 'hi', caller: {} });
    // Both wait for events that are not emitted yet: each emit must wake both.
    const first = collect(run.subscribe(0));
    const second = collect(run.subscribe(0));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const [a, b] = await Promise.all([first, second]);
    const names = a.map((event) => event.event);
    expect(names[0]).toBe('RunStarted');
    expect(names.filter((name) => name === 'RunContent')).toHaveLength(3);
    expect(names.at(-1)).toBe('RunCompleted');
    expect(a.map((event) => event.seq)).toEqual(names.map((_, index) => index + 1));
    expect(b).toEqual(a);
    // A subscriber arriving after the end gets the same events from the start.
    expect(await collect(run.subscribe(0))).toEqual(a);
    expect((await db.listEvents(run.ids.runId, 0)).map((event) => event.seq)).toEqual(
      a.map((event) => event.seq),
    );
  });
});
