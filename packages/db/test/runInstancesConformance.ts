import {
  Agent,
  AgentRuntime,
  type LeaseOptions,
  type Model,
  type ModelRequest,
  type ModelStreamPart,
  newId,
  type RunEvent,
  type Store,
  silentLogger,
} from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreHarness, StoreUnderTest } from './storeConformance.ts';

/** A model that streams one word at a time until aborted, and remembers that it was. */
class EndlessModel implements Model {
  readonly id = 'endless';
  readonly provider = 'Test';
  aborted = 0;
  started = 0;

  async generate(): Promise<never> {
    throw new Error('stream only');
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    this.started++;
    request.signal.addEventListener('abort', () => this.aborted++, { once: true });
    for (let i = 0; ; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      request.signal.throwIfAborted();
      yield { type: 'text-delta', delta: `w${i} ` };
    }
  }
}

const FAST_LEASES: LeaseOptions = { ttlMs: 2_000, heartbeatMs: 100, sweepMs: 100 };

/**
 * Two runtimes on one database behave as two instances of a deployment: either one cancels, watches
 * and recovers the other's runs. `otherProcess` opens a second store on the same database (its own
 * connections and signals) where the store supports several processes (PostgresDb); otherwise both
 * instances share the store object, as processes cannot share it.
 */
export function describeRunInstancesConformance(
  harness: StoreHarness & { readonly multiProcess: boolean },
): void {
  describe(`${harness.name}: runs across instances`, () => {
    let subject: StoreUnderTest;
    let stores: [Store, Store];
    const runtimes: AgentRuntime[] = [];

    beforeEach(async () => {
      subject = await harness.open();
      const other = harness.multiProcess && subject.reopen ? subject.reopen() : subject.store;
      stores = [subject.store, other];
      await Promise.all(stores.map((store) => store.init()));
    });

    afterEach(async () => {
      await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ graceMs: 0 })));
      await subject.dispose();
    });

    async function instance(index: 0 | 1, model: Model, leases: LeaseOptions = FAST_LEASES) {
      const store = stores[index];
      const agent = new Agent({ id: 'assistant', model, db: store });
      const runtime = new AgentRuntime({
        agents: [agent],
        db: store,
        logger: silentLogger,
        leases,
      });
      runtimes.push(runtime);
      await runtime.init();
      return runtime;
    }

    async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
      const all: RunEvent[] = [];
      for await (const event of events) all.push(event);
      return all;
    }

    it('a cancel sent to B stops the run executing on A: its model sees the abort', async () => {
      const model = new EndlessModel();
      const a = await instance(0, model);
      const b = await instance(1, new ScriptedModel());
      const run = await a.startRun({ agentId: 'assistant', message: 'go', caller: {} });
      const { runId } = run.ids;
      // B watches from the start, as a client connected to B would.
      const watched = collect(b.events(runId));
      await waitFor(async () => (await stores[1].listEvents(runId, 0)).length >= 3);

      const record = await b.cancelRun(runId);

      expect(record.status).toBe('CANCELLED');
      expect(model.aborted).toBe(1);
      expect((await run.done).status).toBe('CANCELLED');
      const events = await watched;
      expect(events.at(-1)?.event).toBe('RunCancelled');
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(await stores[0].getRun(runId)).toMatchObject({ status: 'CANCELLED' });
    });

    it('a watch on B from the middle follows the live run on A to its end, each event once', async () => {
      const model = new ScriptedModel({
        turns: [{ text: 'one two three four five six seven eight', deltas: 8, delayMs: 30 }],
      });
      const a = await instance(0, model);
      const b = await instance(1, new ScriptedModel());
      const run = await a.startRun({ agentId: 'assistant', message: 'go', caller: {} });
      const { runId } = run.ids;
      await waitFor(async () => (await stores[1].listEvents(runId, 0)).length >= 3);

      const fromMiddle = await collect(b.events(runId, { afterSeq: 2 }));
      await run.done;

      const stored = await stores[1].listEvents(runId, 0);
      expect(fromMiddle).toEqual(stored.slice(2));
      expect(fromMiddle.at(-1)?.event).toBe('RunCompleted');
      expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    });

    it('a run whose process died is ended RUN_INTERRUPTED by the other, and its watchers end', async () => {
      const b = await instance(1, new ScriptedModel());
      // What a process killed mid-run leaves: a RUNNING row with a lease nobody renews.
      const runId = newId();
      const sessionId = newId();
      await stores[0].createRun({
        runId,
        sessionId,
        agentId: 'assistant',
        userId: null,
        input: 'hi',
        factoryInput: null,
        model: 'm',
        modelProvider: 'p',
        createdAt: new Date(),
        lease: { ownerId: 'dead-process', expiresAt: new Date(Date.now() + 300) },
      });
      const started = { seq: 1, createdAt: Date.now(), agentId: 'assistant', runId, sessionId };
      await stores[0].appendEvents(runId, [
        { ...started, event: 'RunStarted', model: 'm', modelProvider: 'p' },
      ]);

      const events = await collect(b.events(runId));

      expect(events.map((e) => e.event)).toEqual(['RunStarted', 'RunError']);
      expect(events.at(-1)).toMatchObject({ error: { code: 'RUN_INTERRUPTED' } });
      expect(await stores[1].getRun(runId)).toMatchObject({
        status: 'ERROR',
        error: { code: 'RUN_INTERRUPTED' },
      });
    });

    it('heartbeats keep a long run alive past its lease time; the other never ends it', async () => {
      const leases = { ttlMs: 600, heartbeatMs: 50, sweepMs: 50 };
      const model = new ScriptedModel({
        turns: [{ text: 'a b c d e f g h i j', deltas: 10, delayMs: 150 }],
      });
      const a = await instance(0, model, leases);
      await instance(1, new ScriptedModel(), leases);
      const run = await a.startRun({ agentId: 'assistant', message: 'go', caller: {} });
      // 10 × 150 ms: well past the 600 ms lease, renewed every 50 ms.
      expect((await run.done).status).toBe('COMPLETED');
      expect(await stores[1].getRun(run.ids.runId)).toMatchObject({ status: 'COMPLETED' });
    });

    it('cancel racing completion through two instances: one terminal status, matching the last event', async () => {
      const a = await instance(0, new ScriptedModel({ fallback: 'ok' }));
      const b = await instance(1, new ScriptedModel());
      const runs = await Promise.all(
        Array.from({ length: 20 }, () =>
          a.startRun({ agentId: 'assistant', message: 'go', caller: {} }),
        ),
      );
      await Promise.all(runs.map((run) => b.cancelRun(run.ids.runId).catch(() => undefined)));
      for (const run of runs) {
        const output = await run.done;
        const row = await stores[1].getRun(run.ids.runId);
        const events = await stores[1].listEvents(run.ids.runId, 0);
        const last = events.at(-1);
        expect(row?.status).toBe(output.status);
        expect(last?.event).toBe(
          { COMPLETED: 'RunCompleted', CANCELLED: 'RunCancelled', ERROR: 'RunError' }[
            row!.status as 'COMPLETED'
          ],
        );
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      }
    });
  });
}

/** Polls `check` every 20 ms until it holds (the test's own timeout bounds it). */
export async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}
