import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDb } from '../src/index.ts';
import type { NativeSqlite, NativeStatement } from '../src/sqliteNative.ts';
import { SqliteRunWriter } from '../src/sqliteRunWriter.ts';
import type { StoredTables } from '../src/storedTables.ts';
import { countRows } from './sqlHarness.ts';
import {
  completed,
  eventOf,
  newRun,
  pausedEventFor,
  TEST_PAUSE,
  terminalEventFor,
} from './storeConformance.ts';

/** The database's own handle, counting the executions of each statement by its first words. */
function countingHandle(native: NativeSqlite): { handle: NativeSqlite; runs: Map<string, number> } {
  const runs = new Map<string, number>();
  const handle: NativeSqlite = {
    prepare(source) {
      const statement = native.prepare(source);
      const key = source.replace(/\s+/g, ' ').split(' (')[0]!;
      const counted =
        (call: (...params: unknown[]) => unknown) =>
        (...params: unknown[]) => {
          runs.set(key, (runs.get(key) ?? 0) + 1);
          // An insert that selects its values from a session row, counted apart as well.
          if (/ from agentmint_sessions s /.test(source.replace(/\s+/g, ' '))) {
            runs.set(
              'select from agentmint_sessions',
              (runs.get('select from agentmint_sessions') ?? 0) + 1,
            );
          }
          return call(...params);
        };
      return {
        run: counted((...params) => statement.run(...params)),
        get: counted((...params) => statement.get(...params)),
      } as NativeStatement;
    },
    transaction: (fn) => native.transaction(fn),
  };
  return { handle, runs };
}

describe('SqliteRunWriter', () => {
  let dir: string;
  let db: SqliteDb;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentmint-writer-'));
    db = new SqliteDb({ dbFile: join(dir, 'agentmint.db') });
    await db.init();
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function writer() {
    const connection = db.orm!.em.getConnection();
    const native = (await connection.getNativeClient()) as unknown as NativeSqlite;
    const { handle, runs } = countingHandle(native);
    const compiler = db.orm!.em.getKysely<StoredTables>() as Kysely<StoredTables>;
    return { writer: new SqliteRunWriter(handle, compiler), runs };
  }

  it("stores the events and messages of a group commit's runs in one insert per table", async () => {
    const { writer: w, runs } = await writer();
    const started = [newRun(), newRun(), newRun(), newRun()];
    await Promise.all(started.map((run) => w.createRun(run)));
    runs.clear();

    // One tick: each run's events, then its finish, as the runtime issues them.
    const messages = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'ok' },
    ] as const;
    await Promise.all(
      started.flatMap((run) => [
        w.appendEvents(run.runId, [eventOf(run, 1), eventOf(run, 2)]),
        w.finishRun(run.runId, completed(messages), terminalEventFor(run, completed(messages), 3)),
      ]),
    );

    expect(runs.get('insert into agentmint_run_events')).toBe(1);
    expect(runs.get('insert into agentmint_messages')).toBe(1);
    expect(await countRows(db)).toEqual({ sessions: 4, runs: 4, events: 12, messages: 8 });
    for (const run of started) {
      expect((await db.listEvents(run.runId, 0)).map((event) => event.seq)).toEqual([1, 2, 3]);
      expect(await db.getRun(run.runId)).toMatchObject({ status: 'COMPLETED', messages });
    }
  });

  it('fails only the write whose kept-back rows fail, and keeps none of them for the next commit', async () => {
    const { writer: w } = await writer();
    const run = newRun();
    await w.createRun(run);
    const results = await Promise.allSettled([
      w.appendEvents(run.runId, [eventOf(run, 1)]),
      w.appendEvents('no-such-run', [eventOf(run, 2)]), // foreign key: fails when the rows go in
      w.appendEvents(run.runId, [eventOf(run, 3)]),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await w.appendEvents(run.runId, [eventOf(run, 4)]);
    expect((await db.listEvents(run.runId, 0)).map((event) => event.seq)).toEqual([1, 3, 4]);
  });

  it('skips deleting old messages only for runs it inserted and has not stored messages for', async () => {
    const { writer: w, runs } = await writer();
    const deletes = () => runs.get('delete from agentmint_messages where run_id = ?') ?? 0;
    const hi = { role: 'user', content: 'hi' } as const;
    const ok = { role: 'assistant', content: 'ok' } as const;

    // Inserted by this writer, ended once: nothing to delete.
    const fresh = newRun();
    await w.createRun(fresh);
    await w.finishRun(
      fresh.runId,
      completed([hi, ok]),
      terminalEventFor(fresh, completed([hi]), 1),
    );
    expect(deletes()).toBe(0);

    // Inserted by another writer (the store's own): its messages could exist, so they go first.
    const foreign = newRun();
    await db.createRun(foreign);
    await w.finishRun(
      foreign.runId,
      completed([hi]),
      terminalEventFor(foreign, completed([hi]), 1),
    );
    expect(deletes()).toBe(1);

    // Paused (messages stored), continued, then finished: the pause's messages are replaced.
    const paused = newRun();
    await w.createRun(paused);
    const pausedEvent = pausedEventFor(paused);
    expect(
      await w.pauseRun(
        paused.runId,
        { pause: TEST_PAUSE, messages: [hi], updatedAt: new Date() },
        pausedEvent,
      ),
    ).toBe(true);
    expect(deletes()).toBe(1);
    expect(await db.resumeRun(paused.runId, { from: 'PAUSED', updatedAt: new Date() })).toBe(true);
    await w.finishRun(
      paused.runId,
      completed([hi, ok]),
      terminalEventFor(paused, completed([hi, ok]), 2),
    );
    expect(deletes()).toBe(2);

    // A finish that lost (the run had ended) changes nothing.
    expect(
      await w.finishRun(fresh.runId, completed([ok]), terminalEventFor(fresh, completed([ok]), 2)),
    ).toBe(false);
    for (const [run, messages] of [
      [fresh, [hi, ok]],
      [foreign, [hi]],
      [paused, [hi, ok]],
    ] as const) {
      expect(await db.getRun(run.runId)).toMatchObject({ status: 'COMPLETED', messages });
    }
  });
  it("touches each session once per commit, to its last end's time, and only for ends that won", async () => {
    const { writer: w, runs } = await writer();
    const touches = () =>
      runs.get('update agentmint_sessions set updated_at = touched.column2 from') ?? 0;
    const hi = { role: 'user', content: 'hi' } as const;
    const sessionId = newRun().sessionId;
    const [first, second] = [newRun({ sessionId }), newRun({ sessionId })];
    const other = newRun();
    for (const run of [first, second, other]) await w.createRun(run);
    const at = (ms: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + ms);

    // One group commit: two ends in one session (the later time first), one in another.
    const [late, early, alone] = [at(5000), at(3000), at(4000)];
    const results = await Promise.all([
      w.finishRun(
        first.runId,
        completed([hi], { at: late }),
        terminalEventFor(first, completed([hi]), 1),
      ),
      w.finishRun(
        second.runId,
        completed([hi], { at: early }),
        terminalEventFor(second, completed([hi]), 1),
      ),
      w.finishRun(
        other.runId,
        completed([hi], { at: alone }),
        terminalEventFor(other, completed([hi]), 1),
      ),
    ]);
    expect(results).toEqual([true, true, true]);
    expect(touches()).toBe(1);
    // As one update per end in order would leave it: the last end's time, not the latest time.
    expect((await db.getSession(sessionId))?.updatedAt).toEqual(early);
    expect((await db.getSession(other.sessionId))?.updatedAt).toEqual(alone);

    // A run it inserted but another writer ended: the finish loses and touches nothing.
    const lost = newRun();
    await w.createRun(lost);
    expect(
      await db.finishRun(
        lost.runId,
        completed([hi], { at: at(6000) }),
        terminalEventFor(lost, completed([hi]), 1),
      ),
    ).toBe(true);
    expect(
      await w.finishRun(
        lost.runId,
        completed([hi], { at: at(9000) }),
        terminalEventFor(lost, completed([hi]), 2),
      ),
    ).toBe(false);
    expect((await db.getSession(lost.sessionId))?.updatedAt).toEqual(at(6000));
    expect(await db.getRun(lost.runId)).toMatchObject({ status: 'COMPLETED', messages: [hi] });
    expect(touches()).toBe(1);

    // A paused run's session is touched too, in the same deferred statement.
    const paused = newRun();
    await w.createRun(paused);
    const pausedEvent = pausedEventFor(paused);
    expect(
      await w.pauseRun(
        paused.runId,
        { pause: TEST_PAUSE, messages: [hi], updatedAt: at(7000) },
        pausedEvent,
      ),
    ).toBe(true);
    expect((await db.getSession(paused.sessionId))?.updatedAt).toEqual(at(7000));
    expect(touches()).toBe(2);

    // A finish of a run that is not there still fails, touching nothing.
    await expect(
      w.finishRun('no-such-run', completed([hi]), terminalEventFor(lost, completed([hi]), 3)),
    ).rejects.toThrow();
  });
  it("inserts a new session's first run without selecting the session, and numbers every run of a session in order", async () => {
    const { writer: w, runs } = await writer();
    const inserts = () => runs.get('insert into agentmint_runs') ?? 0;
    const selecting = () => runs.get('select from agentmint_sessions') ?? 0;
    const kysely = db.orm!.em.getKysely<StoredTables>() as Kysely<StoredTables>;
    const seqs = async (sessionId: string) =>
      (
        await kysely
          .selectFrom('agentmint_runs')
          .select(['id', 'seq'])
          .where('session_id', '=', sessionId)
          .orderBy('seq')
          .execute()
      ).map((row) => [row.id, row.seq]);

    // Two runs of one new session in one group commit, a third later: seq 1, 2, 3.
    const sessionId = newRun().sessionId;
    const [a, b, c] = [newRun({ sessionId }), newRun({ sessionId }), newRun({ sessionId })];
    await Promise.all([w.createRun(a), w.createRun(b)]);
    await w.createRun(c);
    expect(await seqs(sessionId)).toEqual([
      [a.runId, 1],
      [b.runId, 2],
      [c.runId, 3],
    ]);
    // Only the first run of the session took the plain insert; the others selected the session.
    expect(inserts()).toBe(3);
    expect(selecting()).toBe(2);
    expect(await db.getRun(a.runId)).toMatchObject({ status: 'RUNNING', sessionId, userId: null });

    // A session another user owns still refuses the run, and writes nothing.
    const owned = newRun({ userId: 'alice' });
    await w.createRun(owned);
    expect(await db.getRun(owned.runId)).toMatchObject({
      userId: 'alice',
      sessionId: owned.sessionId,
    });
    const intruder = newRun({ sessionId: owned.sessionId, userId: 'mallory' });
    await expect(w.createRun(intruder)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(await db.getRun(intruder.runId)).toBeUndefined();
    expect(await seqs(owned.sessionId)).toEqual([[owned.runId, 1]]);
    expect(inserts()).toBe(5);
    expect(selecting()).toBe(3);
  });
});
