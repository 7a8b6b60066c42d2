import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentMintError, type Message, type RunEvent } from '@agentmint/core';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDb, sqliteMigrations } from '../src/index.ts';
import { describeHumanInTheLoopConformance } from './humanInTheLoopConformance.ts';
import { describeRunInstancesConformance } from './runInstancesConformance.ts';
import { appliedMigrations, countRows, tablesOf } from './sqlHarness.ts';
import {
  completed,
  describeStoreConformance,
  eventOf,
  finish,
  newRun,
  type StoreHarness,
} from './storeConformance.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'agentmint-db-'));
}

const fileHarness: StoreHarness = {
  name: 'SqliteDb (temp file)',
  async open() {
    const dir = await tempDir();
    const dbFile = join(dir, 'agentmint.db');
    const opened: SqliteDb[] = [];
    const open = () => {
      const db = new SqliteDb({ dbFile });
      opened.push(db);
      return db;
    };
    const store = open();
    return {
      store,
      countRows: () => countRows(store),
      reopen: open,
      async dispose() {
        await Promise.all(opened.map((db) => db.close()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};
describeStoreConformance(fileHarness);
describeHumanInTheLoopConformance(fileHarness);
// One process per file: both instances share the store object.
describeRunInstancesConformance({ ...fileHarness, multiProcess: false });

describeStoreConformance({
  name: 'SqliteDb (:memory:)',
  async open() {
    const store = new SqliteDb({ dbFile: ':memory:' });
    return { store, countRows: () => countRows(store), dispose: () => store.close() };
  },
});

describe('SqliteDb specifics', () => {
  let dir: string;
  const opened: SqliteDb[] = [];
  const open = (options: ConstructorParameters<typeof SqliteDb>[0] = {}) => {
    const db = new SqliteDb({ dbFile: join(dir, 'agentmint.db'), ...options });
    opened.push(db);
    return db;
  };

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('constructs without touching the disk, and opens lazily on first use', async () => {
    const dbFile = join(dir, 'nested', 'deeper', 'agentmint.db');
    const db = open({ dbFile });
    expect(existsSync(dbFile)).toBe(false);
    expect(db.orm).toBeUndefined();

    const run = newRun();
    await db.createRun(run); // no init(): the first call opens and migrates
    expect(existsSync(dbFile)).toBe(true);
    expect(await db.getRun(run.runId)).toMatchObject({ status: 'RUNNING' });
  });

  it('derives a stable id from the file name', () => {
    expect(new SqliteDb().id).toBe('sqlite-agentmint');
    expect(new SqliteDb({ dbFile: 'data/tenants.sqlite' }).id).toBe('sqlite-tenants');
    expect(new SqliteDb({ dbFile: ':memory:' }).id).toBe('sqlite-memory');
    expect(new SqliteDb({ id: 'main' }).id).toBe('main');
  });

  it('applies every migration to an empty file, once, however many instances start', async () => {
    const names = sqliteMigrations.map((m) => new m({} as never, {} as never).name);
    const first = open();
    await first.init();
    expect(await appliedMigrations(first)).toEqual(names);

    // Twice on one instance, then two fresh instances racing on the same file.
    await first.init();
    const [a, b] = [open(), open()];
    await Promise.all([a.init(), b.init()]);
    expect(await appliedMigrations(b)).toEqual(names);

    const run = newRun();
    await a.createRun(run);
    expect(await b.getRun(run.runId)).toBeDefined();
  });

  it('group-commits concurrent writes, failing only the write that failed', async () => {
    const db = open();
    await db.init();
    const good = newRun();
    const other = newRun();
    await db.createRun(other);
    // Issued in one tick, so they share a transaction: the bad append must roll back alone.
    const results = await Promise.allSettled([
      db.createRun(good),
      db.appendEvents('no-such-run', [eventOf(good, 1)]),
      db.appendEvents(other.runId, [eventOf(other, 1), eventOf(other, 2)]),
      db.createRun(good), // duplicate run id: fails too
      finish(db, other, {
        status: 'COMPLETED',
        content: 'ok',
        metrics: null,
        error: null,
        messages: [{ role: 'user', content: 'hi' }],
        updatedAt: new Date(),
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(await db.getRun(good.runId)).toMatchObject({ status: 'RUNNING' });
    expect(await db.listEvents(other.runId, 0)).toHaveLength(3);
    expect(await db.getRun(other.runId)).toMatchObject({ status: 'COMPLETED' });
    expect(await countRows(db)).toEqual({ sessions: 2, runs: 2, events: 3, messages: 1 });
  });

  it("stores an event's payload without the run's ids and its name and reads it back whole, rows from before too", async () => {
    const db = open();
    await db.init();
    const run = newRun();
    await db.createRun(run);
    // As `ActiveRun.emit` stamps them: the name first, the run's ids the last keys.
    const emitted = (seq: number): RunEvent => {
      const { agentId, runId, sessionId, ...body } = eventOf(run, seq);
      return { ...body, agentId, runId, sessionId };
    };
    const [lean, before, beforeNamed] = [emitted(1), emitted(2), emitted(3)];
    // An event whose name is not its first key keeps it in the payload, and its key order.
    const { event: name, agentId, runId, sessionId, ...unnamed } = emitted(4);
    const nameLater = { ...unnamed, event: name, agentId, runId, sessionId } as RunEvent;
    await db.appendEvents(run.runId, [lean]);
    // Rows written before the payloads went lean: the whole event, ids included; and the event
    // without the run's ids but with its name (the payloads of fixes 25 to 55).
    const { agentId: _a, runId: _r, sessionId: _s, ...withName } = beforeNamed;
    await tablesOf(db)
      .insertInto('agentmint_run_events')
      .values([
        { run_id: run.runId, seq: 2, name: before.event, payload: JSON.stringify(before) },
        { run_id: run.runId, seq: 3, name: before.event, payload: JSON.stringify(withName) },
      ])
      .execute();
    await db.appendEvents(run.runId, [nameLater]);

    const payloads = await tablesOf(db)
      .selectFrom('agentmint_run_events')
      .select(sql<string>`payload`.as('payload'))
      .orderBy(sql`seq`)
      .execute();
    const { event: _name, agentId: _agentId, runId: _runId, sessionId: _sessionId, ...rest } = lean;
    expect(payloads[0]!.payload).toBe(JSON.stringify(rest));
    const { agentId: _a4, runId: _r4, sessionId: _s4, ...restLater } = nameLater;
    expect(payloads[3]!.payload).toBe(JSON.stringify(restLater));

    const read = await db.listEvents(run.runId, 0);
    const all = [lean, before, beforeNamed, nameLater];
    expect(read).toEqual(all);
    // Same key order as the emitted events (the name first, the run's ids last), old row or new.
    expect(read.map((event) => JSON.stringify(event))).toEqual(
      all.map((event) => JSON.stringify(event)),
    );

    await finish(db, run, completed([{ role: 'user', content: 'hi' }]));
    const fork = await db.forkSession({
      fromSessionId: run.sessionId,
      sessionId: 'forked',
      name: null,
      createdAt: new Date(),
    });
    const [copy] = await db.listRuns({ sessionId: fork!.sessionId });
    const copied = await db.listEvents(copy!.runId, 0);
    expect(copied.slice(0, 4)).toEqual(
      all.map((event) => ({ ...event, runId: copy!.runId, sessionId: 'forked' })),
    );
    const forkedPayloads = await tablesOf(db)
      .selectFrom('agentmint_run_events')
      .select(sql<string>`payload`.as('payload'))
      .where(sql.ref('run_id'), '=', copy!.runId)
      .execute();
    for (const { payload } of forkedPayloads)
      expect(JSON.parse(payload)).not.toHaveProperty('runId');
  });

  it('runs in WAL mode with foreign keys enforced', async () => {
    const db = open();
    await db.init();
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(tablesOf(db))).rows[0] ?? {})[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('synchronous')).toBe(1); // NORMAL
    expect(await pragma('wal_autocheckpoint')).toBe(10_000);
    // A WAL grown past 64 MiB (a long reader held checkpoints off) is cut back after one.
    expect(await pragma('journal_size_limit')).toBe(64 * 1024 * 1024);
  });

  it('with migrate: false leaves the schema alone', async () => {
    const db = open({ migrate: false });
    await db.init();
    await expect(db.createRun(newRun())).rejects.toThrow(/agentmint_sessions/);
    expect(await countRowsSafe(db)).toBeUndefined();
  });

  it('upgrades a file from the schema before the unused run indexes went: data kept, indexes gone', async () => {
    const names = sqliteMigrations.map((m) => new m({} as never, {} as never).name);
    const previous = names[names.indexOf('Migration20261202064858_DropUnusedRunIndexes') - 1]!;
    const old = open({ migrate: false });
    await old.init();
    await old.orm!.migrator.up({ to: previous });
    const run = newRun({ userId: 'alice' });
    await old.createRun(run);
    await finish(old, run, completed([{ role: 'user', content: 'hi' }]));
    await old.close();

    const upgraded = open();
    await upgraded.init();
    expect(await appliedMigrations(upgraded)).toEqual(names);
    const indexes = await sql<{ name: string }>`
      select name from sqlite_master where type = 'index' and tbl_name = 'agentmint_runs'
        and name not like 'sqlite_autoindex%' order by name`.execute(tablesOf(upgraded));
    expect(indexes.rows.map((row) => row.name)).toEqual([
      'agentmint_runs_session_id_seq_index',
      'agentmint_runs_status_lease_expires_at_index',
    ]);
    expect(await upgraded.getRun(run.runId, { userId: 'alice' })).toMatchObject({
      status: 'COMPLETED',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const next = newRun({ userId: 'alice', sessionId: run.sessionId });
    await upgraded.createRun(next);
    expect((await upgraded.listRuns({ sessionId: run.sessionId })).map((r) => r.runId)).toEqual([
      next.runId,
      run.runId,
    ]);
  });

  it('upgrades a file from before events and messages were clustered: every row reads the same', async () => {
    const names = sqliteMigrations.map((m) => new m({} as never, {} as never).name);
    const clustered = 'Migration20261202130000_ClusteredEventsAndMessages';
    const previous = names[names.indexOf(clustered) - 1]!;
    const old = open({ migrate: false });
    await old.init();
    await old.orm!.migrator.up({ to: previous });
    const run = newRun({ userId: 'alice' });
    await old.createRun(run);
    await old.appendEvents(run.runId, [eventOf(run, 1), eventOf(run, 2)]);
    const messages = [
      { role: 'system', content: 'be brief' },
      {
        role: 'user',
        content: 'hi',
        attachments: [{ kind: 'image', mediaType: 'image/png', url: 'https://x/y.png' }],
      },
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"q":"ü"}' }],
      },
      { role: 'tool', toolCallId: 'c1', toolName: 'lookup', content: 'found', isError: false },
      { role: 'assistant', content: 'ok' },
    ] as const satisfies readonly Message[];
    await finish(old, run, completed(messages), 3);
    const stored = async (db: SqliteDb) => ({
      run: await db.getRun(run.runId, { userId: 'alice' }),
      events: await db.listEvents(run.runId, 0),
      history: await db.loadHistory(run.sessionId, { runs: 10 }),
    });
    const before = await stored(old);
    await old.close();

    const upgraded = open();
    await upgraded.init();
    expect(await appliedMigrations(upgraded)).toEqual(names);
    expect(await stored(upgraded)).toEqual(before);
    const tables = await sql<{ name: string; sql: string }>`
      select name, sql from sqlite_master where type = 'table' and name in
        ('agentmint_run_events', 'agentmint_messages') order by name`.execute(tablesOf(upgraded));
    expect(tables.rows.map((row) => [row.name, row.sql.endsWith('without rowid')])).toEqual([
      ['agentmint_messages', true],
      ['agentmint_run_events', true],
    ]);
    // Keys and foreign keys hold as before: a duplicate event is ignored, an unknown run refused,
    // and deleting the session still takes its runs' events and messages with it.
    await upgraded.appendEvents(run.runId, [eventOf(run, 2), eventOf(run, 4)]);
    expect((await upgraded.listEvents(run.runId, 0)).map((event) => event.seq)).toEqual([
      1, 2, 3, 4,
    ]);
    await expect(upgraded.appendEvents('no-such-run', [eventOf(run, 5)])).rejects.toThrow();
    expect(await upgraded.deleteSession(run.sessionId)).toBe(true);
    expect(await countRows(upgraded)).toEqual({ sessions: 0, runs: 0, events: 0, messages: 0 });

    // And back down: the rowid tables return with the rows.
    const other = newRun();
    await upgraded.createRun(other);
    await finish(upgraded, other, completed([{ role: 'user', content: 'hi' }]));
    await upgraded.orm!.migrator.down({ to: previous });
    expect(await upgraded.getRun(other.runId)).toMatchObject({
      status: 'COMPLETED',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(await countRows(upgraded)).toEqual({ sessions: 1, runs: 1, events: 1, messages: 1 });
  });

  it("keeps only unfinished runs in the sweep's index, which the sweep uses; old files migrate", async () => {
    const names = sqliteMigrations.map((m) => new m({} as never, {} as never).name);
    const partial = 'Migration20261202140000_ActiveRunsLeaseIndex';
    const previous = names[names.indexOf(partial) - 1]!;
    const old = open({ migrate: false });
    await old.init();
    await old.orm!.migrator.up({ to: previous });
    const lease = { ownerId: 'gone', expiresAt: new Date(Date.now() - 60_000) };
    const [done, stale, live] = [newRun(), newRun({ lease }), newRun()];
    for (const run of [done, stale, live]) await old.createRun(run);
    await finish(old, done, completed([{ role: 'user', content: 'hi' }]));
    const sweep = { leaseExpiredBefore: new Date(), writtenBefore: new Date(0), limit: 10 };
    const staleIds = async (db: SqliteDb) => (await db.listStaleRuns(sweep)).map((r) => r.runId);
    expect(await staleIds(old)).toEqual([stale.runId]);
    await old.close();

    const upgraded = open();
    await upgraded.init();
    expect(await appliedMigrations(upgraded)).toEqual(names);
    const entries = async () =>
      (
        await sql<{ n: number }>`select count(*) as n from agentmint_runs
          indexed by agentmint_runs_status_lease_expires_at_index
          where status in ('PENDING', 'RUNNING')`.execute(tablesOf(upgraded))
      ).rows[0]!.n;
    const indexSql = async () =>
      (
        await sql<{ sql: string }>`select sql from sqlite_master
          where name = 'agentmint_runs_status_lease_expires_at_index'`.execute(tablesOf(upgraded))
      ).rows[0]!.sql;
    expect(await indexSql()).toMatch(/where `status` in \('PENDING', 'RUNNING'\)$/);
    expect(await entries()).toBe(2);
    expect(await staleIds(upgraded)).toEqual([stale.runId]);
    // A finish takes the run out of the index; the sweep's own statement still searches it.
    await finish(upgraded, stale, completed([{ role: 'user', content: 'hi' }]));
    expect(await entries()).toBe(1);
    const native = (await upgraded.orm!.em.getConnection().getNativeClient()) as unknown as {
      prepare(source: string): { all(...params: unknown[]): { detail: string }[] };
    };
    const prepared: string[] = [];
    const prepare = native.prepare.bind(native);
    native.prepare = (source) => {
      prepared.push(source);
      return prepare(source);
    };
    try {
      expect(await staleIds(upgraded)).toEqual([]);
    } finally {
      native.prepare = prepare;
    }
    const plan = prepare(`explain query plan ${prepared.at(-1)}`).all(0, 0, 10);
    expect(plan.map((row) => row.detail).join('\n')).toMatch(
      /USING INDEX agentmint_runs_status_lease_expires_at_index/,
    );

    await upgraded.orm!.migrator.down({ to: previous });
    expect(await indexSql()).not.toMatch(/where/i);
    expect(await staleIds(upgraded)).toEqual([]);
  });

  it('keeps the data across a restart', async () => {
    const run = newRun({ userId: 'alice' });
    const before = open();
    await before.createRun(run);
    await before.close();

    const after = open();
    expect(await after.getRun(run.runId, { userId: 'alice' })).toMatchObject({
      runId: run.runId,
      status: 'RUNNING',
    });
  });

  it('reports an unusable file as STORE_UNAVAILABLE, and retries on the next call', async () => {
    const dbFile = join(dir, 'corrupt.db');
    await writeFile(
      dbFile,
      'this is not a SQLite database, just text that is long enough to check',
    );
    const db = open({ dbFile });

    const failure = await db.init().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AgentMintError);
    expect(failure).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((failure as Error).message).toContain('corrupt.db');

    await rm(dbFile);
    await db.init();
    await db.createRun(newRun());
  });
});

async function countRowsSafe(db: SqliteDb) {
  try {
    return await countRows(db);
  } catch {
    return undefined;
  }
}
