import {
  Agent,
  AgentRuntime,
  type Caller,
  isPermanentStoreError,
  type Message,
  type NewRunRecord,
  newId,
  type RunEvent,
  type RunResult,
  type Store,
  silentLogger,
  type TerminalRunEvent,
} from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface RowCounts {
  readonly sessions: number;
  readonly runs: number;
  readonly events: number;
  readonly messages: number;
}

/** One store under test, on a database of its own. */
export interface StoreUnderTest {
  readonly store: Store;
  /** Counts rows in the tables themselves, bypassing the Store API (SQL stores). */
  readonly countRows?: () => Promise<RowCounts>;
  /** A second store on the same database (durable stores): for drain, restart and migration tests. */
  readonly reopen?: () => Store;
  /** Closes every store it handed out and deletes the database. */
  dispose(): Promise<void>;
}

export interface StoreHarness {
  readonly name: string;
  open(): Promise<StoreUnderTest>;
}

/**
 * The behaviour every `Store` shares, registered as vitest blocks: InMemoryDb is the reference, and
 * SqliteDb and PostgresDb must be indistinguishable from it through the `Store` API.
 */
export function describeStoreConformance(harness: StoreHarness): void {
  describe(`${harness.name}: Store conformance`, () => {
    let subject: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      subject = await harness.open();
      store = subject.store;
      await store.init();
    });

    afterEach(async () => {
      await subject.dispose();
    });

    describe('runs', () => {
      it('records a run as RUNNING with its session before anything else happens', async () => {
        const run = newRun({ userId: 'alice', factoryInput: { persona: 'skeptic', depth: 5 } });
        await store.createRun(run);

        expect(await store.getRun(run.runId)).toEqual({
          ...run,
          status: 'RUNNING',
          pause: null,
          content: null,
          output: null,
          metrics: null,
          error: null,
          messages: [],
          updatedAt: run.createdAt,
        });
        expect(await store.getSession(run.sessionId)).toEqual({
          sessionId: run.sessionId,
          agentId: run.agentId,
          userId: 'alice',
          name: null,
          state: {},
          createdAt: run.createdAt,
          updatedAt: run.createdAt,
        });
      });

      it('keeps the validated factory input, null when there was none', async () => {
        const withInput = newRun({ factoryInput: { persona: 'analyst', depth: 3, tags: ['a'] } });
        const without = newRun({ factoryInput: null });
        await store.createRun(withInput);
        await store.createRun(without);

        expect((await store.getRun(withInput.runId))?.factoryInput).toEqual({
          persona: 'analyst',
          depth: 3,
          tags: ['a'],
        });
        expect((await store.getRun(without.runId))?.factoryInput).toBeNull();
      });

      it('finishes a run with its status, content, metrics and every message shape intact', async () => {
        const run = newRun();
        await store.createRun(run);
        const result = completed(allMessageShapes(), { at: later(run.createdAt, 1500) });
        await finish(store, run, result);

        const stored = await store.getRun(run.runId);
        expect(stored).toEqual({ ...run, pause: null, ...result });
        expect(stored?.messages).toStrictEqual(result.messages);
        expect((await store.getSession(run.sessionId))?.updatedAt).toEqual(result.updatedAt);
      });

      it('keeps every message of a long run, in order (more than one insert statement holds)', async () => {
        const run = newRun();
        await store.createRun(run);
        const messages: Message[] = Array.from({ length: 75 }, (_, i) =>
          i % 2 === 0
            ? { role: 'user', content: `question ${i}` }
            : { role: 'assistant', content: `answer ${i}` },
        );
        await finish(store, run, completed(messages));

        expect((await store.getRun(run.runId))?.messages).toStrictEqual(messages);
      });

      it('keeps a structured output as the JSON value it was, null when there was none', async () => {
        const structured = newRun();
        const plain = newRun();
        await store.createRun(structured);
        await store.createRun(plain);
        expect((await store.getRun(structured.runId))?.output).toBeNull();
        const output = { label: 'bug', confidence: 0.9, tags: ['ui', 'ünïcode'], extra: null };
        await finish(store, structured, completed([], { output }));
        await finish(store, plain, completed([]));
        expect((await store.getRun(structured.runId))?.output).toEqual(output);
        expect((await store.getRun(plain.runId))?.output).toBeNull();
      });

      it('keeps every field intact when many runs are written at once', async () => {
        const runs = Array.from({ length: 6 }, (_, i) =>
          newRun({
            factoryInput: i % 2 ? { topic: `t${i}` } : null,
            userId: i % 3 ? `u${i}` : null,
          }),
        );
        await Promise.all(runs.map((run) => store.createRun(run)));
        const events = (run: NewRunRecord) => [eventOf(run, 1), eventOf(run, 2)];
        await Promise.all(runs.map((run) => store.appendEvents(run.runId, events(run))));
        const results = runs.map((run, i) =>
          completed(allMessageShapes().slice(0, 2 + i), {
            at: later(run.createdAt, 1500),
            ...(i % 2 === 0 && {
              output: { label: `l${i}`, scores: [i, 0.5], nested: { ok: true } },
            }),
          }),
        );
        const won = await Promise.all(runs.map((run, i) => finish(store, run, results[i]!, 3)));
        expect(won).toEqual(runs.map(() => true));
        // A second round of finishes, all at once, changes nothing: the first terminal status stands.
        const again = await Promise.all(
          runs.map((run) => finish(store, run, { ...completed([]), status: 'CANCELLED' }, 3)),
        );
        expect(again).toEqual(runs.map(() => false));
        for (const [i, run] of runs.entries()) {
          const stored = await store.getRun(run.runId);
          expect(stored).toEqual({ ...run, pause: null, ...results[i] });
          expect(stored?.messages).toStrictEqual(results[i]!.messages);
          expect((await store.getSession(run.sessionId))?.updatedAt).toEqual(results[i]!.updatedAt);
          expect(await store.listEvents(run.runId, 0)).toEqual([
            ...events(run),
            terminalEventFor(run, results[i]!, 3),
          ]);
        }
      });

      it('records an error run with its error, and a cancelled run without one', async () => {
        const failed = newRun();
        const cancelled = newRun();
        await store.createRun(failed);
        await store.createRun(cancelled);
        await finish(store, failed, {
          status: 'ERROR',
          content: null,
          metrics: null,
          error: { code: 'MODEL_ERROR', message: 'The model request failed' },
          messages: [{ role: 'user', content: 'hi' }],
          updatedAt: new Date(),
        });
        await finish(store, cancelled, { ...completed([]), status: 'CANCELLED' });

        expect(await store.getRun(failed.runId)).toMatchObject({
          status: 'ERROR',
          error: { code: 'MODEL_ERROR', message: 'The model request failed' },
          messages: [{ role: 'user', content: 'hi' }],
        });
        expect(await store.getRun(cancelled.runId)).toMatchObject({
          status: 'CANCELLED',
          error: null,
        });
      });

      it('a terminal status is final: a later finish writes nothing and says so', async () => {
        const run = newRun();
        await store.createRun(run);
        const first = completed([{ role: 'user', content: 'a' }]);
        expect(await finish(store, run, first, 1)).toBe(true);
        const cancelled = { ...completed([]), status: 'CANCELLED' as const };
        expect(await finish(store, run, cancelled, 2)).toBe(false);

        expect(await store.getRun(run.runId)).toEqual({ ...run, pause: null, ...first });
        expect(await store.listEvents(run.runId, 0)).toEqual([terminalEventFor(run, first, 1)]);
      });

      it('cancel racing completion: exactly one wins, and the last event matches the row', async () => {
        // Two handles on one database where the store has them, so the race crosses connections.
        const other = subject.reopen?.() ?? store;
        const rounds = 40;
        const runs = Array.from({ length: rounds }, () => newRun());
        for (const run of runs) {
          await store.createRun(run);
          await store.appendEvents(run.runId, [eventOf(run, 1), eventOf(run, 2)]);
        }
        const done = completed([{ role: 'assistant', content: 'done' }]);
        const cancelled = { ...completed([]), status: 'CANCELLED' as const, content: null };
        const outcomes = await Promise.all(
          runs.map((run, i) => {
            // Alternate which side is issued first, so both orders are exercised.
            const complete = () => finish(store, run, done, 3);
            const cancel = () => finish(other, run, cancelled, 3);
            return i % 2
              ? Promise.all([complete(), cancel()])
              : Promise.all([cancel(), complete()]).then(([c, d]) => [d, c] as const);
          }),
        );
        for (const [i, run] of runs.entries()) {
          const [completedWon, cancelWon] = outcomes[i]!;
          expect(completedWon !== cancelWon).toBe(true);
          const row = await store.getRun(run.runId);
          const events = await store.listEvents(run.runId, 0);
          expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
          const last = events.at(-1)!;
          if (completedWon) {
            expect(row).toMatchObject({ status: 'COMPLETED', content: 'done' });
            expect(last.event).toBe('RunCompleted');
          } else {
            expect(row).toMatchObject({ status: 'CANCELLED', content: null, messages: [] });
            expect(last.event).toBe('RunCancelled');
          }
        }
      });

      it('rejects finishing or appending to a run it does not hold, as an error no retry heals', async () => {
        // The run finisher gives such writes up instead of retrying them forever (issue #11).
        const finishing = await finish(store, newRun(), completed([])).catch((e: unknown) => e);
        expect(finishing).toMatchObject({ code: 'RUN_NOT_FOUND' });
        const appending = await store
          .appendEvents(newId(), [eventOf(newRun(), 1)])
          .catch((e: unknown) => e);
        expect(appending).toBeInstanceOf(Error);
        expect(isPermanentStoreError(appending)).toBe(true);
      });

      it("refuses a live run's writes for good once its session is deleted (no endless retry)", async () => {
        const run = newRun({ userId: 'alice' });
        await store.createRun(run);
        await store.appendEvents(run.runId, [eventOf(run, 1)]);
        expect(await store.deleteSession(run.sessionId)).toBe(true);
        const appending = await store
          .appendEvents(run.runId, [eventOf(run, 2)])
          .catch((e: unknown) => e);
        expect(isPermanentStoreError(appending)).toBe(true);
        const finishing = await finish(store, run, completed([])).catch((e: unknown) => e);
        expect(isPermanentStoreError(finishing)).toBe(true);
        expect(await store.getRun(run.runId)).toBeUndefined();
        expect(await store.listEvents(run.runId, 0)).toEqual([]);
        if (subject.countRows) {
          expect(await subject.countRows()).toEqual({
            sessions: 0,
            runs: 0,
            events: 0,
            messages: 0,
          });
        }
      });

      it('lists runs newest first, by session or agent, up to the limit', async () => {
        const sessionId = newId();
        const agentId = `agent-${newId()}`;
        const runs: NewRunRecord[] = [];
        for (let i = 0; i < 4; i++) {
          const run = newRun({ sessionId, agentId, createdAt: new Date(1_800_000_000_000 + i) });
          runs.push(run);
          await store.createRun(run);
        }
        const elsewhere = newRun({ agentId });
        await store.createRun(elsewhere);

        const ids = (list: { runId: string }[]) => list.map((r) => r.runId);
        expect(ids(await store.listRuns({ sessionId }))).toEqual(ids(runs).reverse());
        expect(ids(await store.listRuns({ sessionId, limit: 2 }))).toEqual([
          runs[3]!.runId,
          runs[2]!.runId,
        ]);
        expect(new Set(ids(await store.listRuns({ agentId })))).toEqual(
          new Set([...ids(runs), elsewhere.runId]),
        );
      });

      it('orders runs of one session by creation even within the same millisecond', async () => {
        const sessionId = newId();
        const createdAt = new Date();
        const runs = [newRun({ sessionId, createdAt }), newRun({ sessionId, createdAt })];
        runs.push(newRun({ sessionId, createdAt }));
        for (const run of runs) await store.createRun(run);

        expect((await store.listRuns({ sessionId })).map((r) => r.runId)).toEqual(
          runs.map((r) => r.runId).reverse(),
        );
      });
    });

    describe('run events', () => {
      it('replays events in order from any sequence number', async () => {
        const run = newRun();
        await store.createRun(run);
        const events = Array.from({ length: 12 }, (_, i) => eventOf(run, i + 1));
        await store.appendEvents(run.runId, events.slice(0, 1));
        await store.appendEvents(run.runId, events.slice(1, 7));
        await store.appendEvents(run.runId, events.slice(7));

        for (let after = 0; after <= events.length; after++) {
          expect(await store.listEvents(run.runId, after)).toEqual(events.slice(after));
        }
      });

      it('appending the same (runId, seq) again is a no-op', async () => {
        const run = newRun();
        await store.createRun(run);
        const events = Array.from({ length: 5 }, (_, i) => eventOf(run, i + 1));
        await store.appendEvents(run.runId, events.slice(0, 3));
        await store.appendEvents(run.runId, events.slice(0, 3));
        await store.appendEvents(run.runId, events.slice(1));
        await store.appendEvents(run.runId, []);

        expect(await store.listEvents(run.runId, 0)).toEqual(events);
        expect((await subject.countRows?.())?.events ?? events.length).toBe(events.length);
      });

      it('stores large batches whole', async () => {
        const run = newRun();
        await store.createRun(run);
        const events = Array.from({ length: 1200 }, (_, i) => eventOf(run, i + 1));
        await store.appendEvents(run.runId, events);

        const stored = await store.listEvents(run.runId, 0);
        expect(stored).toHaveLength(1200);
        expect(stored.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
      });
    });

    describe('sessions', () => {
      it('lists sessions by latest activity, filtered by agent, with limit and offset', async () => {
        const agentId = `agent-${newId()}`;
        const userId = `user-${newId()}`;
        const sessions: string[] = [];
        for (let i = 0; i < 4; i++) {
          const run = newRun({ agentId, userId, createdAt: new Date(1_800_000_000_000 + i * 10) });
          sessions.push(run.sessionId);
          await store.createRun(run);
        }
        // Activity moves the oldest session to the top.
        const first = await store.listRuns({ sessionId: sessions[0]! });
        await finish(store, first[0]!, completed([], { at: new Date(1_800_000_001_000) }));
        await store.createRun(newRun({ userId }));

        const scope = { userId };
        const ids = (list: { sessionId: string }[]) => list.map((s) => s.sessionId);
        expect(ids(await store.listSessions({ agentId }, scope))).toEqual([
          sessions[0],
          sessions[3],
          sessions[2],
          sessions[1],
        ]);
        expect(ids(await store.listSessions({ agentId, limit: 2, offset: 1 }, scope))).toEqual([
          sessions[3],
          sessions[2],
        ]);
        expect(await store.listSessions({}, scope)).toHaveLength(5);
        expect(await store.listSessions({ limit: 0 }, scope)).toEqual([]);
      });

      it('renames a session and bumps its activity time', async () => {
        const run = newRun({ createdAt: new Date(Date.now() - 60_000) });
        await store.createRun(run);

        const renamed = await store.renameSession(run.sessionId, 'Trends in AI');
        expect(renamed).toMatchObject({ sessionId: run.sessionId, name: 'Trends in AI' });
        expect(renamed!.updatedAt.getTime()).toBeGreaterThan(run.createdAt.getTime());
        expect(await store.getSession(run.sessionId)).toEqual(renamed);
        expect(await store.renameSession(newId(), 'nope')).toBeUndefined();
      });

      it('deletes a session with its runs, events and messages', async () => {
        const run = newRun();
        const sibling = newRun({ sessionId: run.sessionId });
        const other = newRun();
        for (const r of [run, sibling, other]) await store.createRun(r);
        await store.appendEvents(run.runId, [eventOf(run, 1), eventOf(run, 2)]);
        await store.appendEvents(other.runId, [eventOf(other, 1)]);
        await finish(store, run, completed(allMessageShapes()));
        await finish(store, other, completed([{ role: 'user', content: 'keep' }]));

        expect(await store.deleteSession(run.sessionId)).toBe(true);

        expect(await store.getSession(run.sessionId)).toBeUndefined();
        expect(await store.getRun(run.runId)).toBeUndefined();
        expect(await store.getRun(sibling.runId)).toBeUndefined();
        expect(await store.listEvents(run.runId, 0)).toEqual([]);
        expect(await store.loadHistory(run.sessionId, { runs: 10 })).toEqual([]);
        expect(await store.deleteSession(run.sessionId)).toBe(false);
        expect((await store.getRun(other.runId))?.messages).toHaveLength(1);
        expect(await store.listEvents(other.runId, 0)).toHaveLength(2); // its event + the terminal one
        const counts = await subject.countRows?.();
        if (counts) expect(counts).toEqual({ sessions: 1, runs: 1, events: 2, messages: 1 });
      });
    });

    describe('session queries (Agno GET /sessions filters, sort and count)', () => {
      /** Five sessions of one agent: names, owners and times chosen so every order differs. */
      async function seedSessions() {
        const agentId = `agent-${newId()}`;
        const base = 1_800_000_000_000;
        const specs = [
          { name: 'Beta plans', userId: 'alice', created: 3, active: 9 },
          { name: 'alpha 100% done', userId: 'alice', created: 1, active: 5 },
          { name: null, userId: 'bob', created: 2, active: 7 },
          { name: 'Gamma_ray', userId: null, created: 5, active: 6 },
          { name: 'delta', userId: 'alice', created: 4, active: 8 },
        ];
        const ids: string[] = [];
        for (const spec of specs) {
          const run = newRun({
            agentId,
            userId: spec.userId,
            createdAt: new Date(base + spec.created * 1000),
          });
          ids.push(run.sessionId);
          await store.createRun(run);
          if (spec.name !== null) await store.renameSession(run.sessionId, spec.name);
          await finish(store, run, completed([], { at: new Date(base + spec.active * 1000) }));
        }
        // Finishing after the rename sets the activity time to the chosen one.
        return { agentId, ids, byName: new Map(specs.map((s, i) => [s.name, ids[i]!])) };
      }

      it('sorts by created time, stored name or activity, either way', async () => {
        const { agentId, ids } = await seedSessions();
        const order = async (query: Parameters<Store['listSessions']>[0]) =>
          (await store.listSessions({ agentId, ...query })).map((s) => ids.indexOf(s.sessionId));

        expect(await order({ sortBy: 'createdAt', sortOrder: 'desc' })).toEqual([3, 4, 0, 2, 1]);
        expect(await order({ sortBy: 'createdAt', sortOrder: 'asc' })).toEqual([1, 2, 0, 4, 3]);
        expect(await order({ sortBy: 'name', sortOrder: 'asc' })).toEqual([2, 1, 0, 4, 3]);
        expect(await order({ sortBy: 'name', sortOrder: 'desc' })).toEqual([3, 4, 0, 1, 2]);
        expect(await order({ sortBy: 'createdAt', sortOrder: 'asc', limit: 2, offset: 2 })).toEqual(
          [0, 4],
        );
        expect(await order({ sortBy: 'updatedAt', sortOrder: 'asc' })).toEqual([1, 3, 2, 4, 0]);
        expect(await order({})).toEqual([0, 4, 2, 3, 1]);
      });

      it('filters by user and by a name substring, and counts what it would page over', async () => {
        const { agentId, byName } = await seedSessions();
        const names = async (query: Parameters<Store['listSessions']>[0]) =>
          (await store.listSessions({ agentId, sortBy: 'createdAt', sortOrder: 'asc', ...query }))
            .map((s) => s.name)
            .sort();

        expect(await names({ userId: 'alice' })).toEqual([
          'Beta plans',
          'alpha 100% done',
          'delta',
        ]);
        expect(await names({ userId: null })).toEqual(['Gamma_ray']);
        expect(await names({ nameContains: 'ALPHA' })).toEqual(['alpha 100% done']);
        // LIKE wildcards in the needle match literally.
        expect(await names({ nameContains: '0%' })).toEqual(['alpha 100% done']);
        expect(await names({ nameContains: 'a_' })).toEqual(['Gamma_ray']);
        expect(await names({ nameContains: '%' })).toEqual(['alpha 100% done']);
        expect(await names({ nameContains: 'ta', userId: 'alice' })).toEqual([
          'Beta plans',
          'delta',
        ]);

        expect(await store.countSessions({ agentId })).toBe(5);
        expect(await store.countSessions({ agentId, userId: 'alice' })).toBe(3);
        expect(await store.countSessions({ agentId, nameContains: 'a' })).toBe(4);
        expect(await store.countSessions({ agentId }, { userId: 'bob' })).toBe(1);
        expect(await store.countSessions({ agentId, userId: 'alice' }, { userId: 'bob' })).toBe(0);
        expect(await store.countSessions({ agentId: `none-${newId()}` })).toBe(0);
        expect(byName.size).toBe(5);
      });

      it('creates an empty session once, then updates its name and state under scope', async () => {
        const sessionId = newId();
        const createdAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
        const fresh = {
          sessionId,
          agentId: 'assistant',
          userId: 'alice',
          name: 'Planning',
          state: { step: 1, tags: ['a', 'b'] },
          createdAt,
        };
        expect(await store.createSession(fresh)).toBe(true);
        expect(await store.createSession({ ...fresh, userId: 'bob', name: 'x' })).toBe(false);
        expect(await store.getSession(sessionId)).toEqual({ ...fresh, updatedAt: createdAt });
        expect(await store.listRuns({ sessionId })).toEqual([]);

        expect(await store.updateSession(sessionId, { name: 'nope' }, { userId: 'bob' })).toBe(
          undefined,
        );
        const updated = await store.updateSession(
          sessionId,
          { state: { step: 2 } },
          { userId: 'alice' },
        );
        expect(updated).toMatchObject({ name: 'Planning', state: { step: 2 } });
        expect(updated!.updatedAt.getTime()).toBeGreaterThan(createdAt.getTime());
        const renamed = await store.updateSession(sessionId, { name: 'Done' });
        expect(renamed).toMatchObject({ name: 'Done', state: { step: 2 } });
        expect(await store.getSession(sessionId)).toEqual(renamed);
        expect(await store.updateSession(newId(), { name: 'x' })).toBeUndefined();

        // A run in the pre-created session keeps its name, state and owner.
        await store.createRun(newRun({ sessionId, agentId: 'assistant', userId: 'alice' }));
        expect(await store.getSession(sessionId)).toMatchObject({
          name: 'Done',
          state: { step: 2 },
          userId: 'alice',
        });
      });
    });

    describe('session fork', () => {
      /** A session of alice's: two finished runs (with events and messages), one still running. */
      async function sessionWithRuns() {
        const sessionId = newId();
        const createdAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
        await store.createSession({
          sessionId,
          agentId: 'assistant',
          userId: 'alice',
          name: 'Original',
          state: { step: 3, tags: ['x'] },
          createdAt,
        });
        const first = newRun({ sessionId, userId: 'alice', factoryInput: { persona: 'skeptic' } });
        const second = newRun({ sessionId, userId: 'alice', input: 'and then?' });
        const live = newRun({ sessionId, userId: 'alice', input: 'still going' });
        for (const run of [first, second, live]) await store.createRun(run);
        await store.appendEvents(first.runId, [eventOf(first, 1), eventOf(first, 2)]);
        await finish(store, first, completed(allMessageShapes()), 3);
        await store.appendEvents(second.runId, [eventOf(second, 1)]);
        await finish(
          store,
          second,
          completed([
            { role: 'user', content: 'and then?' },
            { role: 'assistant', content: 'then this' },
          ]),
          2,
        );
        await store.appendEvents(live.runId, [eventOf(live, 1)]);
        return { sessionId, first, second, live };
      }

      it('copies a session with its finished runs under new ids: reads and history work in the fork', async () => {
        const { sessionId, first, second } = await sessionWithRuns();
        const at = new Date(Math.floor(Date.now() / 1000) * 1000);
        const forkId = newId();

        const forked = await store.forkSession(
          { fromSessionId: sessionId, sessionId: forkId, name: null, createdAt: at },
          { userId: 'alice' },
        );

        expect(forked).toEqual({
          sessionId: forkId,
          agentId: 'assistant',
          userId: 'alice',
          name: 'Original',
          state: { step: 3, tags: ['x'] },
          createdAt: at,
          updatedAt: at,
          forkedFromSessionId: sessionId,
        });
        expect(await store.getSession(forkId)).toEqual(forked);
        // The running run stays behind; the finished ones come in the same order, new ids.
        const copies = (await store.listRuns({ sessionId: forkId })).toReversed();
        expect(copies.map((run) => run.input)).toEqual([first.input, second.input]);
        const [copyOfFirst, copyOfSecond] = copies;
        for (const [copy, original] of [
          [copyOfFirst!, first],
          [copyOfSecond!, second],
        ] as const) {
          expect(copy.runId).not.toBe(original.runId);
          const {
            runId: _r,
            sessionId: _s,
            lease: _l,
            ...same
          } = (await store.getRun(original.runId))!;
          expect(copy).toEqual({ ...same, runId: copy.runId, sessionId: forkId });
          // The events are the run's, re-pointed at the copy.
          const events = await store.listEvents(copy.runId, 0);
          const originals = await store.listEvents(original.runId, 0);
          expect(events).toEqual(
            originals.map((event) => ({ ...event, runId: copy.runId, sessionId: forkId })),
          );
        }
        expect(copyOfFirst!.factoryInput).toEqual({ persona: 'skeptic' });
        expect(await store.loadHistory(forkId, { runs: 10 })).toEqual(
          await store.loadHistory(sessionId, { runs: 10 }),
        );
        // The source is untouched, and the fork is its own: deleting it leaves the source whole.
        expect(await store.listRuns({ sessionId })).toHaveLength(3);
        expect(await store.deleteSession(forkId)).toBe(true);
        expect(await store.getRun(first.runId)).toMatchObject({ status: 'COMPLETED' });
        expect(await store.listEvents(first.runId, 0)).toHaveLength(3);
      });

      it('names the fork when asked, and copies a session without runs', async () => {
        const { sessionId } = await sessionWithRuns();
        const named = await store.forkSession({
          fromSessionId: sessionId,
          sessionId: newId(),
          name: 'Branch B',
          createdAt: new Date(),
        });
        expect(named).toMatchObject({ name: 'Branch B', forkedFromSessionId: sessionId });
        const empty = newId();
        await store.createSession({
          sessionId: empty,
          agentId: 'assistant',
          userId: null,
          name: null,
          state: {},
          createdAt: new Date(),
        });
        const forkOfEmpty = await store.forkSession({
          fromSessionId: empty,
          sessionId: newId(),
          name: null,
          createdAt: new Date(),
        });
        expect(forkOfEmpty).toMatchObject({ userId: null, forkedFromSessionId: empty });
        expect(await store.listRuns({ sessionId: forkOfEmpty!.sessionId })).toEqual([]);
      });

      it("forks only sessions in scope: another user's session is absent, and nothing is written", async () => {
        const { sessionId } = await sessionWithRuns();
        const before = await subject.countRows?.();
        const forkId = newId();
        const fork = {
          fromSessionId: sessionId,
          sessionId: forkId,
          name: null,
          createdAt: new Date(),
        };

        expect(await store.forkSession(fork, { userId: 'bob' })).toBeUndefined();
        expect(await store.forkSession(fork, { userId: null })).toBeUndefined();
        expect(await store.forkSession({ ...fork, fromSessionId: newId() })).toBeUndefined();
        expect(await store.getSession(forkId)).toBeUndefined();
        if (before) expect(await subject.countRows?.()).toEqual(before);
      });

      it('refuses a fork id that is taken (SESSION_EXISTS), writing nothing', async () => {
        const { sessionId } = await sessionWithRuns();
        const taken = newRun({ userId: 'carol' });
        await store.createRun(taken);
        const before = await subject.countRows?.();

        const refused = await store
          .forkSession({
            fromSessionId: sessionId,
            sessionId: taken.sessionId,
            name: null,
            createdAt: new Date(),
          })
          .catch((error: unknown) => error);

        expect(refused).toMatchObject({ code: 'SESSION_EXISTS' });
        expect(await store.getSession(taken.sessionId)).toMatchObject({ userId: 'carol' });
        expect(await store.listRuns({ sessionId: taken.sessionId })).toHaveLength(1);
        if (before) expect(await subject.countRows?.()).toEqual(before);
      });
    });

    describe('history', () => {
      it("loads the latest completed runs' messages, oldest first, leaving out the asking run", async () => {
        const sessionId = newId();
        const turns: string[] = [];
        for (let i = 1; i <= 5; i++) {
          const run = newRun({ sessionId });
          await store.createRun(run);
          const status = i === 4 ? 'ERROR' : 'COMPLETED';
          await finish(store, run, {
            ...completed([
              { role: 'user', content: `q${i}` },
              { role: 'assistant', content: `a${i}` },
            ]),
            status,
          });
          if (status === 'COMPLETED') turns.push(`q${i}`);
        }
        const asking = newRun({ sessionId });
        await store.createRun(asking);
        await finish(store, asking, completed([{ role: 'user', content: 'now' }]));

        const history = await store.loadHistory(sessionId, {
          runs: 2,
          excludeRunId: asking.runId,
        });
        expect(history).toEqual([
          { role: 'user', content: 'q3' },
          { role: 'assistant', content: 'a3' },
          { role: 'user', content: 'q5' },
          { role: 'assistant', content: 'a5' },
        ]);
        const all = await store.loadHistory(sessionId, { runs: 10, excludeRunId: asking.runId });
        expect(all.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(turns);
        expect(await store.loadHistory(sessionId, { runs: 0 })).toEqual([]);
        expect(await store.loadHistory(newId(), { runs: 3 })).toEqual([]);
      });
    });

    describe('user isolation, in the store itself', () => {
      async function seed() {
        const alice = newRun({ userId: 'alice' });
        const bob = newRun({ userId: 'bob' });
        const anonymous = newRun({ userId: null });
        for (const run of [alice, bob, anonymous]) {
          await store.createRun(run);
          await store.appendEvents(run.runId, [eventOf(run, 1)]);
          await finish(
            store,
            run,
            completed([{ role: 'user', content: `secret of ${run.userId}` }]),
          );
        }
        return { alice, bob, anonymous };
      }

      it("user A cannot read, list or replay user B's sessions and runs", async () => {
        const { alice, bob } = await seed();
        const asAlice = { userId: 'alice' };

        expect(await store.getSession(bob.sessionId, asAlice)).toBeUndefined();
        expect(await store.getRun(bob.runId, asAlice)).toBeUndefined();
        expect(await store.listEvents(bob.runId, 0, asAlice)).toEqual([]);
        expect(await store.loadHistory(bob.sessionId, { runs: 3 }, asAlice)).toEqual([]);
        expect(await store.listRuns({ sessionId: bob.sessionId }, asAlice)).toEqual([]);

        const sessions = await store.listSessions({}, asAlice);
        expect(sessions.map((s) => s.sessionId)).toEqual([alice.sessionId]);
        const runs = await store.listRuns({}, asAlice);
        expect(runs.map((r) => r.runId)).toEqual([alice.runId]);

        expect(await store.getRun(alice.runId, asAlice)).toBeDefined();
        expect(await store.listEvents(alice.runId, 0, asAlice)).toHaveLength(2);
        expect(await store.loadHistory(alice.sessionId, { runs: 3 }, asAlice)).toEqual([
          { role: 'user', content: 'secret of alice' },
        ]);
      });

      it("user A cannot rename or delete user B's session", async () => {
        const { bob } = await seed();
        const asAlice = { userId: 'alice' };

        expect(await store.renameSession(bob.sessionId, 'mine now', asAlice)).toBeUndefined();
        expect(await store.deleteSession(bob.sessionId, asAlice)).toBe(false);
        expect(await store.getSession(bob.sessionId)).toMatchObject({ name: null, userId: 'bob' });
        expect(await store.getRun(bob.runId)).toBeDefined();

        expect(await store.deleteSession(bob.sessionId, { userId: 'bob' })).toBe(true);
      });

      it('refuses a run in a session another user owns (SESSION_NOT_FOUND), writing nothing', async () => {
        const alice = newRun({ userId: 'alice' });
        await store.createRun(alice);
        for (const userId of ['bob', null]) {
          const intruder = newRun({ sessionId: alice.sessionId, userId });
          await expect(store.createRun(intruder)).rejects.toMatchObject({
            code: 'SESSION_NOT_FOUND',
            httpStatus: 404,
          });
          expect(await store.getRun(intruder.runId)).toBeUndefined();
        }
        const anonymous = newRun({ userId: null });
        await store.createRun(anonymous);
        await expect(
          store.createRun(newRun({ sessionId: anonymous.sessionId, userId: 'alice' })),
        ).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
        // The owners themselves keep adding runs.
        await store.createRun(newRun({ sessionId: alice.sessionId, userId: 'alice' }));
        await store.createRun(newRun({ sessionId: anonymous.sessionId, userId: null }));
        expect(await store.getSession(alice.sessionId)).toMatchObject({ userId: 'alice' });
        expect(await store.listRuns({ sessionId: alice.sessionId })).toHaveLength(2);
        expect(await store.listRuns({ sessionId: anonymous.sessionId })).toHaveLength(2);
      });

      // Regression (issue #11): both racers got 200 and the session held the other user's runs.
      it('two users racing on one new session id: exactly one wins, never a mixed session', async () => {
        const stores = [store, subject.reopen?.() ?? store];
        await Promise.all(stores.map((s) => s.init()));
        for (let round = 0; round < 40; round++) {
          const sessionId = newId();
          // Written together, so a group-committing store puts them in one group half the time.
          const racers = [
            newRun({ sessionId, userId: 'alice' }),
            newRun({ sessionId, userId: 'bob' }),
            newRun({ sessionId, userId: round % 2 === 0 ? 'alice' : 'bob' }),
          ];
          const outcomes = await Promise.allSettled(
            racers.map((run, i) => stores[(i + round) % stores.length]!.createRun(run)),
          );
          const owner = (await store.getSession(sessionId))?.userId;
          expect(owner === 'alice' || owner === 'bob').toBe(true);
          for (const [i, outcome] of outcomes.entries()) {
            const won = racers[i]!.userId === owner;
            expect(outcome.status, `round ${round}, racer ${i}`).toBe(
              won ? 'fulfilled' : 'rejected',
            );
            if (outcome.status === 'rejected') {
              expect(outcome.reason).toMatchObject({ code: 'SESSION_NOT_FOUND' });
            }
          }
          const runs = await store.listRuns({ sessionId });
          expect(runs.map((run) => run.userId)).toEqual(runs.map(() => owner));
          expect(runs).toHaveLength(racers.filter((run) => run.userId === owner).length);
        }
      });

      it('{ userId: null } sees only anonymous rows; no scope sees everyone', async () => {
        const { alice, bob, anonymous } = await seed();
        const asAnonymous = { userId: null };

        expect((await store.listSessions({}, asAnonymous)).map((s) => s.sessionId)).toEqual([
          anonymous.sessionId,
        ]);
        expect(await store.getRun(alice.runId, asAnonymous)).toBeUndefined();
        expect(await store.getRun(anonymous.runId, asAnonymous)).toBeDefined();
        expect(await store.deleteSession(bob.sessionId, asAnonymous)).toBe(false);

        expect(await store.listSessions({})).toHaveLength(3);
        expect(await store.listRuns({})).toHaveLength(3);
        expect(await store.getRun(bob.runId, undefined)).toBeDefined();
      });
    });

    describe('through AgentRuntime', () => {
      function runtimeOn(model: ScriptedModel, options: { historyRuns?: number } = {}) {
        const agent = new Agent({ id: 'assistant', model, db: store, ...options });
        return new AgentRuntime({ agents: [agent], db: store, logger: silentLogger });
      }

      it('loads history across runs of one session and never across sessions', async () => {
        const model = new ScriptedModel();
        const runtime = runtimeOn(model);
        const alice: Caller = { userId: 'alice', scope: { userId: 'alice' } };

        const first = await (
          await runtime.startRun({ agentId: 'assistant', message: 'first', caller: alice })
        ).done;
        const second = await (
          await runtime.startRun({
            agentId: 'assistant',
            message: 'second',
            caller: alice,
            sessionId: first.sessionId,
          })
        ).done;
        await (
          await runtime.startRun({ agentId: 'assistant', message: 'elsewhere', caller: alice })
        ).done;
        await (
          await runtime.startRun({
            agentId: 'assistant',
            message: 'third',
            caller: alice,
            sessionId: first.sessionId,
          })
        ).done;

        const conversation = (i: number) =>
          model.requests[i]!.messages.filter((m) => m.role !== 'system').map(text);
        expect(conversation(1)).toEqual(['user: first', 'assistant: echo: first', 'user: second']);
        expect(conversation(2)).toEqual(['user: elsewhere']);
        expect(conversation(3)).toEqual([
          'user: first',
          'assistant: echo: first',
          'user: second',
          'assistant: echo: second',
          'user: third',
        ]);
        expect(second.sessionId).toBe(first.sessionId);
        const stored = await store.listRuns({ sessionId: first.sessionId }, alice.scope);
        expect(stored.map((r) => [r.input, r.status])).toEqual([
          ['third', 'COMPLETED'],
          ['second', 'COMPLETED'],
          ['first', 'COMPLETED'],
        ]);
      });

      it('ends a run whose model throws as ERROR, with the error and its events recorded', async () => {
        const runtime = runtimeOn(new ScriptedModel({ turns: [{ error: 'connection reset' }] }));
        const run = await runtime.startRun({ agentId: 'assistant', message: 'hi', caller: {} });
        const output = await run.done;

        expect(output.status).toBe('ERROR');
        const stored = await store.getRun(output.runId);
        expect(stored).toMatchObject({
          status: 'ERROR',
          input: 'hi',
          content: null,
          error: { code: 'MODEL_ERROR' },
          messages: [{ role: 'user', content: 'hi' }],
        });
        const events = await store.listEvents(output.runId, 0);
        expect(events.map((e) => e.event)).toEqual([
          'RunStarted',
          'ModelRequestStarted',
          'RunError',
        ]);
        expect(events.at(-1)).toMatchObject({ error: { code: 'MODEL_ERROR' } });
      });

      it('200 concurrent runs lose no run, event or message', async () => {
        const runtime = runtimeOn(new ScriptedModel({ fallback: 'ok' }), { historyRuns: 0 });
        const callers: Caller[] = [{}, { userId: 'alice' }, { userId: 'bob' }];
        const runs = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            runtime.startRun({
              agentId: 'assistant',
              message: `run ${i}`,
              caller: callers[i % callers.length]!,
            }),
          ),
        );
        const outputs = await Promise.all(runs.map((run) => run.done));
        const emitted = await Promise.all(runs.map((run) => collect(run.subscribe(0))));

        expect(outputs.every((o) => o.status === 'COMPLETED')).toBe(true);
        const expectedEvents = emitted.reduce((sum, events) => sum + events.length, 0);
        expect(expectedEvents).toBeGreaterThanOrEqual(200 * 5);
        for (const [i, output] of outputs.entries()) {
          const stored = await store.getRun(output.runId);
          expect(stored).toMatchObject({ status: 'COMPLETED', input: `run ${i}`, content: 'ok' });
          expect(stored?.messages).toEqual(output.messages);
          expect(await store.listEvents(output.runId, 0)).toEqual(emitted[i]);
        }
        expect(await store.listRuns({ limit: 1000 })).toHaveLength(200);
        const counts = await subject.countRows?.();
        if (counts) {
          expect(counts).toEqual({
            sessions: 200,
            runs: 200,
            events: expectedEvents,
            messages: 400,
          });
        }
      });
    });

    describe('lifecycle', () => {
      it('init is idempotent and safe to call concurrently', async () => {
        await Promise.all([store.init(), store.init(), store.init()]);
        await store.init();
        const run = newRun();
        await store.createRun(run);
        expect(await store.getRun(run.runId)).toBeDefined();
      });

      it('close drains the work in flight, then refuses new work', async () => {
        const runs = Array.from({ length: 40 }, () => newRun());
        for (const run of runs) await store.createRun(run);
        const fresh = Array.from({ length: 40 }, () => newRun());

        // Issued before close(), none awaited: close() must wait for every one of them.
        const inFlight = [
          ...runs.map((run) => store.appendEvents(run.runId, [eventOf(run, 1), eventOf(run, 2)])),
          ...runs.map((run) => finish(store, run, completed([{ role: 'user', content: 'hi' }]))),
          ...fresh.map((run) => store.createRun(run)),
        ];
        await store.close();
        expect((await Promise.allSettled(inFlight)).map((s) => s.status)).not.toContain('rejected');

        if (!subject.reopen) return; // nothing durable to check, nothing to refuse
        await expect(store.createRun(newRun())).rejects.toThrow(/closed/);
        const reopened = subject.reopen();
        for (const run of runs) {
          expect(await reopened.getRun(run.runId)).toMatchObject({
            status: 'COMPLETED',
            messages: [{ role: 'user', content: 'hi' }],
          });
          expect(await reopened.listEvents(run.runId, 0)).toHaveLength(3);
        }
        for (const run of fresh) expect(await reopened.getRun(run.runId)).toBeDefined();
      });
    });
  });
}

function text(message: Message): string {
  return `${message.role}: ${message.content ?? ''}`;
}

async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const all: RunEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

export function newRun(overrides: Partial<NewRunRecord> = {}): NewRunRecord {
  return {
    runId: newId(),
    sessionId: newId(),
    agentId: 'assistant',
    userId: null,
    input: 'What are the latest trends in AI?',
    factoryInput: null,
    model: 'gpt-5.4',
    modelProvider: 'OpenAI',
    createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    ...overrides,
  };
}

export function eventOf(run: NewRunRecord, seq: number): RunEvent {
  return {
    event: 'RunContent',
    seq,
    createdAt: 1_800_000_000_000 + seq,
    agentId: run.agentId,
    runId: run.runId,
    sessionId: run.sessionId,
    content: `delta ${seq} with "quotes", \\ and ünïcödé`,
  };
}

/** The terminal event matching `result`, as the run's `seq`-th event. */
export function terminalEventFor(
  run: Pick<NewRunRecord, 'runId' | 'sessionId' | 'agentId'>,
  result: RunResult,
  seq: number,
): TerminalRunEvent {
  const base = { seq, createdAt: result.updatedAt.getTime(), ...ids(run) };
  if (result.status === 'COMPLETED') {
    const metrics = result.metrics ?? {
      duration: 0,
      timeToFirstToken: null,
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
    };
    return { ...base, event: 'RunCompleted', content: result.content ?? '', metrics };
  }
  if (result.status === 'CANCELLED') return { ...base, event: 'RunCancelled', reason: 'cancelled' };
  return { ...base, event: 'RunError', error: result.error ?? { code: 'X', message: 'x' } };
}

/** A pause's stored part: no pending tool calls, a little usage. */
export const TEST_PAUSE = { pending: [], usage: { inputTokens: 1, outputTokens: 2 } };

/** The event a pause of `run` stores, as its first event. */
export function pausedEventFor(run: Pick<NewRunRecord, 'runId' | 'sessionId' | 'agentId'>) {
  return { event: 'RunPaused' as const, seq: 1, createdAt: Date.now(), ...ids(run), tools: [] };
}

function ids(run: Pick<NewRunRecord, 'runId' | 'sessionId' | 'agentId'>) {
  return { runId: run.runId, sessionId: run.sessionId, agentId: run.agentId };
}

/** Ends `run` with `result` and its matching terminal event (seq 1000 unless given). */
export function finish(
  store: Store,
  run: Pick<NewRunRecord, 'runId' | 'sessionId' | 'agentId'>,
  result: RunResult,
  seq = 1000,
): Promise<boolean> {
  return store.finishRun(run.runId, result, terminalEventFor(run, result, seq));
}

function later(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

export function completed(
  messages: readonly Message[],
  options: { at?: Date; output?: unknown } = {},
): RunResult {
  return {
    status: 'COMPLETED',
    content: messages.findLast((m) => m.role === 'assistant')?.content ?? 'done',
    output: options.output ?? null,
    metrics: {
      duration: 1.25,
      timeToFirstToken: null,
      inputTokens: 12,
      outputTokens: 34,
      totalTokens: 46,
    },
    error: null,
    messages,
    updatedAt: options.at ?? new Date(),
  };
}

function allMessageShapes(): Message[] {
  return [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Weather in Paris?' },
    {
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }],
    },
    { role: 'tool', toolCallId: 'call_1', toolName: 'weather', content: 'rain' },
    { role: 'tool', toolCallId: 'call_2', toolName: 'broken', content: 'boom', isError: true },
    { role: 'tool', toolCallId: 'call_3', toolName: 'fine', content: 'ok', isError: false },
    { role: 'assistant', content: 'Rain in Paris.', toolCalls: [] },
    { role: 'assistant', content: 'Bring an umbrella.' },
    {
      role: 'user',
      content: 'And on this map?',
      attachments: [
        { kind: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
        {
          kind: 'file',
          mediaType: 'application/pdf',
          url: 'https://example.com/a.pdf',
          filename: 'a.pdf',
        },
      ],
    },
  ];
}
