import { Agent, AgentMintError, AgentRuntime, silentLogger } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PostgresDb, postgresMigrations } from '../src/index.ts';
import { describeHumanInTheLoopConformance } from './humanInTheLoopConformance.ts';
import { postgresAvailability } from './postgresAvailability.ts';
import { describeRunInstancesConformance, waitFor } from './runInstancesConformance.ts';
import { appliedMigrations, countRows, tablesOf } from './sqlHarness.ts';
import {
  describeStoreConformance,
  eventOf,
  finish,
  newRun,
  type StoreHarness,
  terminalEventFor,
} from './storeConformance.ts';

const availability = await postgresAvailability();
const dbUrl = availability.dbUrl;

// Drops the schemas the tests create; one connection for the whole file.
const admin = new PostgresDb({ dbUrl, migrate: false });
afterAll(() => admin.close());

let schemas = 0;
function uniqueSchema(): string {
  return `agentmint_test_${process.pid}_${Date.now().toString(36)}_${++schemas}`;
}

async function dropSchema(schema: string): Promise<void> {
  await admin.init();
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(tablesOf(admin));
}

// Every test gets a schema of its own, migrated from empty, dropped afterwards.
function harnessOf(name: string, options: { preparedStatements?: boolean } = {}): StoreHarness {
  return {
    name,
    async open() {
      const schema = uniqueSchema();
      const opened: PostgresDb[] = [];
      const open = () => {
        const db = new PostgresDb({ dbUrl, schema, pool: { max: 8 }, ...options });
        opened.push(db);
        return db;
      };
      const store = open();
      return {
        store,
        countRows: () => countRows(store, schema),
        reopen: open,
        async dispose() {
          await Promise.all(opened.map((db) => db.close()));
          await dropSchema(schema);
        },
      };
    },
  };
}

/** The `name` of every query the `pg` clients send while `body` runs (undefined: unnamed). */
async function queryNames(body: () => Promise<void>): Promise<(string | undefined)[]> {
  const names: (string | undefined)[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0];
    names.push(
      typeof config === 'object' && config !== null ? (config as pg.QueryConfig).name : undefined,
    );
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await body();
  } finally {
    pg.Client.prototype.query = query;
  }
  return names;
}

/** Every notification a `pg` client receives while `body` runs, as `channel payload`. */
async function notificationsHeard(body: () => Promise<void>): Promise<string[]> {
  const heard: string[] = [];
  const emit = pg.Client.prototype.emit;
  pg.Client.prototype.emit = function (
    this: pg.Client,
    event: string | symbol,
    ...args: unknown[]
  ) {
    if (event === 'notification') {
      const { channel, payload } = args[0] as pg.Notification;
      heard.push(`${channel} ${payload}`);
    }
    return emit.call(this, event, ...args);
  };
  try {
    await body();
  } finally {
    pg.Client.prototype.emit = emit;
  }
  return heard;
}

describe.skipIf(!availability.ok)('PostgresDb', () => {
  const harness = harnessOf('PostgresDb');
  describeStoreConformance(harness);
  // The writes as plain statements, as behind a transaction-pooling PgBouncer before 1.21.
  describeStoreConformance(
    harnessOf('PostgresDb (preparedStatements: false)', { preparedStatements: false }),
  );
  describeHumanInTheLoopConformance(harness);
  // Two PostgresDb on one schema: own pools, own LISTEN connections, as two processes have.
  describeRunInstancesConformance({ ...harness, multiProcess: true });

  describe('PostgresDb specifics', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    function scoped(options: ConstructorParameters<typeof PostgresDb>[0] = {}) {
      const schema = uniqueSchema();
      const dbs: PostgresDb[] = [];
      cleanups.push(async () => {
        await Promise.all(dbs.map((db) => db.close()));
        await dropSchema(schema);
      });
      return {
        schema,
        open(extra: ConstructorParameters<typeof PostgresDb>[0] = {}) {
          const db = new PostgresDb({ dbUrl, schema, ...options, ...extra });
          dbs.push(db);
          return db;
        },
      };
    }

    it('constructs without connecting, and opens lazily on first use', async () => {
      const { open } = scoped();
      const db = open();
      expect(db.orm).toBeUndefined();
      const run = newRun();
      await db.createRun(run);
      expect(await db.getRun(run.runId)).toMatchObject({ status: 'RUNNING' });
    });

    it('applies every migration to an empty schema, once, however many instances start', async () => {
      const names = postgresMigrations.map((m) => new m({} as never, {} as never).name);
      const { schema, open } = scoped();
      const instances = [open(), open(), open()];
      await Promise.all(instances.map((db) => db.init()));
      await instances[0]!.init();
      expect(await appliedMigrations(instances[1]!, schema)).toEqual(names);

      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema}
        order by table_name`.execute(tablesOf(instances[0]!));
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'agentmint_messages',
        'agentmint_migrations',
        'agentmint_run_events',
        'agentmint_runs',
        'agentmint_sessions',
      ]);
      const run = newRun();
      await instances[1]!.createRun(run);
      expect(await instances[2]!.getRun(run.runId)).toBeDefined();
    });

    it('upgrades a schema from before the unused run indexes went: data kept, indexes gone', async () => {
      const names = postgresMigrations.map((m) => new m({} as never, {} as never).name);
      const { schema, open } = scoped();
      const old = open({ migrate: false });
      await old.init();
      await sql`create schema if not exists ${sql.id(schema)}`.execute(tablesOf(old));
      await old.orm!.migrator.up({ to: names.at(-2)! });
      const run = newRun({ userId: 'alice' });
      await old.createRun(run);
      await old.close();

      const upgraded = open();
      await upgraded.init();
      expect(await appliedMigrations(upgraded, schema)).toEqual(names);
      const indexes = await sql<{ indexname: string }>`
        select indexname from pg_indexes where schemaname = ${schema}
          and tablename = 'agentmint_runs' order by indexname`.execute(tablesOf(upgraded));
      expect(indexes.rows.map((row) => row.indexname)).toEqual([
        'agentmint_runs_pkey',
        'agentmint_runs_session_id_seq_index',
        'agentmint_runs_status_lease_expires_at_index',
      ]);
      expect(await upgraded.getRun(run.runId, { userId: 'alice' })).toMatchObject({
        status: 'RUNNING',
      });
    });

    it('stores JSON as jsonb and timestamps as timestamptz', async () => {
      const { schema, open } = scoped();
      const db = open();
      await db.init();
      const columns = await sql<{ column_name: string; data_type: string }>`
        select column_name, data_type from information_schema.columns
        where table_schema = ${schema} and table_name = 'agentmint_runs'
          and column_name in ('factory_input', 'created_at')
        order by column_name`.execute(tablesOf(db));
      expect(columns.rows).toEqual([
        { column_name: 'created_at', data_type: 'timestamp with time zone' },
        { column_name: 'factory_input', data_type: 'jsonb' },
      ]);
    });

    it('with asyncEventCommit stores the events and leaves the pooled connections synchronous', async () => {
      const { open } = scoped({ asyncEventCommit: true, pool: { max: 2 } });
      const db = open();
      const run = newRun();
      await db.createRun(run);
      const events = Array.from({ length: 5 }, (_, i) => eventOf(run, i + 1));
      await db.appendEvents(run.runId, events.slice(0, 3));
      await db.appendEvents(run.runId, events);
      expect(await db.listEvents(run.runId, 0)).toEqual(events);

      // SET LOCAL semantics: the setting died with the statement's transaction.
      const settings = await Promise.all(
        [1, 2, 3, 4].map(() =>
          sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(tablesOf(db)),
        ),
      );
      expect(settings.map((s) => s.rows[0]?.synchronous_commit)).toEqual(['on', 'on', 'on', 'on']);
    });

    it("sends a run's writes as named statements, the same name for the same statement", async () => {
      const { open } = scoped();
      const db = open();
      await db.init();
      const writeRun = async () => {
        const run = newRun();
        await db.createRun(run);
        await db.appendEvents(run.runId, [eventOf(run, 1)]);
        await finish(db, run, completedResult(), 2);
      };
      const first = await queryNames(writeRun);
      const second = await queryNames(writeRun);
      // create, append, finish: each named, three distinct statements, the same names again.
      expect(first).toHaveLength(3);
      expect(first.every((name) => name?.startsWith('agentmint_'))).toBe(true);
      expect(new Set(first).size).toBe(3);
      expect(second).toEqual(first);
    });

    it("keeps one connection for a run's writes, and replaces it once it breaks", async () => {
      const { schema, open } = scoped();
      const db = open();
      await db.init();
      const pool = (await db.orm!.em.getConnection().getNativeClient()) as pg.Pool;
      let checkouts = 0;
      pool.on('acquire', () => checkouts++);
      const writeRun = async () => {
        const run = newRun();
        await db.createRun(run);
        await db.appendEvents(run.runId, [eventOf(run, 1)]);
        expect(await finish(db, run, completedResult(), 2)).toBe(true);
      };
      await writeRun();
      expect(checkouts).toBe(1);
      await writeRun();
      await writeRun();
      expect(checkouts).toBe(1); // nine writes, one checkout
      // Concurrent runs' writes share group statements: on the same connection.
      await Promise.all(Array.from({ length: 10 }, () => db.createRun(newRun())));
      expect(checkouts).toBe(1);
      // Every connection of the store's pool ends, as when PostgreSQL restarts.
      await admin.init();
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where pid <> pg_backend_pid() and query like ${`%"${schema}"%`}`.execute(tablesOf(admin));
      // A write may fail while the broken connection is being noticed (as any pooled one would).
      await waitFor(async () => {
        try {
          await writeRun();
          return true;
        } catch {
          return false;
        }
      });
      expect(checkouts).toBeGreaterThan(1); // a new connection replaced the broken one
      checkouts = 0;
      await writeRun();
      await writeRun();
      expect(checkouts).toBe(0); // and is kept in turn
    });

    it('with preparedStatements: false sends every write unnamed, with the same results', async () => {
      const { open } = scoped({ preparedStatements: false });
      const db = open();
      await db.init();
      const run = newRun();
      const done = completedResult();
      const names = await queryNames(async () => {
        await db.createRun(run);
        await db.appendEvents(run.runId, [eventOf(run, 1)]);
        expect(await finish(db, run, done, 2)).toBe(true);
      });
      expect(names).toEqual([undefined, undefined, undefined]);
      expect(await db.listEvents(run.runId, 0)).toEqual([
        eventOf(run, 1),
        terminalEventFor(run, done, 2),
      ]);
      expect(await db.getRun(run.runId)).toMatchObject({ status: 'COMPLETED', content: 'done' });
    });

    it('hears notices of stored events only while it watches a run, cancel requests always', async () => {
      const { schema, open } = scoped();
      const writer = open();
      const watcher = open();
      const run = newRun();
      await writer.createRun(run);
      const cancels: string[] = [];
      const woken: (number | undefined)[] = [];
      // Notifications reach a listener in commit order: once a later cancel is heard, so was the rest.
      const cancelHeard = async (runId: string) => {
        await writer.signals!.notifyCancel(runId);
        await waitFor(async () => cancels.includes(runId));
      };
      const heard = await notificationsHeard(async () => {
        watcher.signals!.onCancel((runId) => cancels.push(runId));
        await watcher.signals!.ready?.();
        await writer.appendEvents(run.runId, [eventOf(run, 1)]);
        await cancelHeard('first');

        const unsubscribe = watcher.signals!.subscribeEvents(run.runId, (seq) => woken.push(seq));
        await watcher.signals!.ready?.();
        await writer.appendEvents(run.runId, [eventOf(run, 2)]);
        await waitFor(async () => woken.includes(2));

        unsubscribe();
        await watcher.signals!.ready?.();
        await writer.appendEvents(run.runId, [eventOf(run, 3)]);
        await cancelHeard('last');
      });
      expect(heard).toEqual([
        `agentmint_${schema} c first`,
        `agentmint_${schema}:events e 2 ${run.runId}`,
        `agentmint_${schema} c last`,
      ]);
    });

    it("notifies the highest seq a run's final statement stored, once; nothing when it stored none", async () => {
      const { schema, open } = scoped();
      const writer = open();
      const watcher = open();
      const run = newRun();
      await writer.createRun(run);
      const cancels: string[] = [];
      const heard = await notificationsHeard(async () => {
        watcher.signals!.onCancel((runId) => cancels.push(runId));
        const unsubscribe = watcher.signals!.subscribeEvents(run.runId, () => {});
        await watcher.signals!.ready?.();
        // Events and final row in one statement: one notice, of the terminal event's seq.
        await Promise.all([
          writer.appendEvents(run.runId, [eventOf(run, 1), eventOf(run, 2)]),
          finish(writer, run, completedResult(), 3),
        ]);
        // A finish that loses stores no terminal event: its events' seq, then nothing at all.
        await Promise.all([
          writer.appendEvents(run.runId, [eventOf(run, 4)]),
          finish(writer, run, completedResult(), 5),
        ]);
        expect(await finish(writer, run, completedResult(), 6)).toBe(false);
        // Notifications reach a listener in commit order: once this cancel is heard, so was the rest.
        await writer.signals!.notifyCancel('last');
        await waitFor(async () => cancels.includes('last'));
        unsubscribe();
      });
      expect(heard).toEqual([
        `agentmint_${schema}:events e 3 ${run.runId}`,
        `agentmint_${schema}:events e 4 ${run.runId}`,
        `agentmint_${schema} c last`,
      ]);
    });

    it('group-commits concurrent writes of many runs: 50 createRun calls, one or two commits', async () => {
      const { schema, open } = scoped();
      const db = open();
      await db.init();
      const shared = newRun();
      const runs = Array.from({ length: 50 }, (_, i) =>
        i < 10 ? newRun({ sessionId: shared.sessionId }) : newRun({ input: `nul \u0000 ${i}` }),
      );
      await Promise.all(runs.map((run) => db.createRun(run)));
      // Every row records the transaction that inserted it (xmin): one per commit.
      const { rows } = await sql<{ commits: number; runs: number }>`
        select count(distinct xmin::text)::int as commits, count(*)::int as runs
        from ${sql.table(`${schema}.agentmint_runs`)}`.execute(tablesOf(db));
      expect(rows[0]).toEqual({ runs: 50, commits: expect.any(Number) });
      expect(rows[0]!.commits).toBeLessThanOrEqual(2);
      // Runs of one session created in one statement still get distinct, ordered seqs.
      const seqs = await sql<{ id: string; seq: number }>`
        select id, seq from ${sql.table(`${schema}.agentmint_runs`)} where session_id = ${shared.sessionId} order by seq`.execute(
        tablesOf(db),
      );
      expect(seqs.rows.map((row) => row.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      expect(seqs.rows.map((row) => row.id)).toEqual(runs.slice(0, 10).map((run) => run.runId));
      // The group's statement cleans what PostgreSQL cannot store, as a lone write does.
      expect(await db.getRun(runs[20]!.runId)).toMatchObject({ input: 'nul \ufffd 20' });
    });

    it('group-commits concurrent writes, failing only the write that failed', async () => {
      const { schema, open } = scoped();
      const db = open();
      await db.init();
      const good = newRun();
      const other = newRun();
      await db.createRun(other);
      const result = (content: string) => ({
        status: 'COMPLETED' as const,
        content,
        metrics: null,
        error: null,
        messages: [{ role: 'user' as const, content: 'hi' }],
        updatedAt: new Date(),
      });
      // Issued in one tick, so they share a statement: the bad ones must fail alone.
      const results = await Promise.allSettled([
        db.createRun(good),
        db.appendEvents('no-such-run', [eventOf(good, 1)]), // foreign key: fails the group
        db.appendEvents(other.runId, [eventOf(other, 1), eventOf(other, 2)]),
        db.createRun(good), // duplicate run id: fails too
        finish(db, other, result('ok')),
        finish(db, { ...other, runId: 'unknown-run' }, result('lost')), // matches no row: fails alone
      ]);
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
      ]);
      expect(await db.getRun(good.runId)).toMatchObject({ status: 'RUNNING' });
      expect(await db.listEvents(other.runId, 0)).toHaveLength(3);
      expect(await db.getRun(other.runId)).toMatchObject({ status: 'COMPLETED', content: 'ok' });
      expect(await countRows(db, schema)).toEqual({ sessions: 2, runs: 2, events: 3, messages: 1 });
    });

    it("keeps one run's writes in order when they are issued without waiting", async () => {
      const { open } = scoped();
      const db = open();
      await db.init();
      const run = newRun();
      const events = Array.from({ length: 4 }, (_, i) => eventOf(run, i + 1));
      const done = completedResult();
      await Promise.all([
        db.createRun(run),
        db.appendEvents(run.runId, events.slice(0, 2)),
        db.appendEvents(run.runId, events.slice(2)),
        finish(db, run, done, 5),
      ]);
      expect(await db.listEvents(run.runId, 0)).toEqual([
        ...events,
        terminalEventFor(run, done, 5),
      ]);
      expect(await db.getRun(run.runId)).toMatchObject({ status: 'COMPLETED', content: 'done' });
    });

    it("writes a run's last events and its final row in one statement when issued together", async () => {
      const { schema, open } = scoped();
      const db = open();
      await db.init();
      const run = newRun();
      await db.createRun(run);
      const events = [eventOf(run, 1), eventOf(run, 2)];
      const done = {
        status: 'COMPLETED' as const,
        content: 'done',
        metrics: null,
        error: null,
        messages: [{ role: 'user' as const, content: 'hi' }],
        updatedAt: new Date(),
      };
      const [, won] = await Promise.all([
        db.appendEvents(run.runId, events),
        finish(db, run, done, 3),
      ]);
      expect(won).toBe(true);
      // Every row records the transaction that wrote it (xmin): the events and the final row share one.
      const { rows } = await sql<{ xmin: string }>`
        select xmin::text from ${sql.table(`${schema}.agentmint_run_events`)} where run_id = ${run.runId}
        union select xmin::text from ${sql.table(`${schema}.agentmint_runs`)} where id = ${run.runId}`.execute(
        tablesOf(db),
      );
      expect(rows).toHaveLength(1);
      expect(await db.listEvents(run.runId, 0)).toEqual([
        ...events,
        terminalEventFor(run, done, 3),
      ]);
      expect(await db.getRun(run.runId)).toMatchObject({ status: 'COMPLETED', content: 'done' });
    });

    it('commits the events of a run whose model answers at once with its final row', async () => {
      const { schema, open } = scoped();
      const db = open();
      await db.init();
      const agent = new Agent({ id: 'a', db, model: new ScriptedModel({ fallback: 'ok' }) });
      const runtime = new AgentRuntime({ agents: [agent], logger: silentLogger });
      // Streamed: the loop yields a turn before the model call, so RunStarted is issued on its own.
      const run = await runtime.startRun({ agentId: 'a', message: 'hi', caller: {} });
      expect((await run.done).status).toBe('COMPLETED');
      // Every row records the transaction that last wrote it (xmin): the finish wrote them all.
      const { rows } = await sql<{ xmin: string }>`
        select xmin::text from ${sql.table(`${schema}.agentmint_run_events`)}
        union select xmin::text from ${sql.table(`${schema}.agentmint_runs`)}`.execute(
        tablesOf(db),
      );
      expect(rows).toHaveLength(1);
      expect(await db.listEvents(run.ids.runId, 0)).toHaveLength(6);
    });

    it("stores a run's last events with a finish that loses, and fails both for an unknown run", async () => {
      const { open } = scoped();
      const db = open();
      await db.init();
      const run = newRun();
      await db.createRun(run);
      const done = completedResult();
      expect(await finish(db, run, { ...done, status: 'CANCELLED', content: null }, 1)).toBe(true);
      // Issued together: one group, one statement; the events are stored, the finish loses.
      const [, won] = await Promise.all([
        db.appendEvents(run.runId, [eventOf(run, 2)]),
        finish(db, run, done, 3),
      ]);
      expect(won).toBe(false);
      expect((await db.listEvents(run.runId, 0)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await db.getRun(run.runId)).toMatchObject({ status: 'CANCELLED' });
      const lost = { ...run, runId: 'no-such-run' };
      const results = await Promise.allSettled([
        db.appendEvents(lost.runId, [eventOf(lost, 1)]),
        finish(db, lost, done, 2),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    });

    it('derives a stable id without credentials', () => {
      expect(new PostgresDb({ dbUrl: 'postgresql://ai:secret@db:5432/ai' }).id).toBe('postgres-ai');
      expect(new PostgresDb({ dbUrl: 'postgresql://db/app', schema: 'agents' }).id).toBe(
        'postgres-app-agents',
      );
      expect(new PostgresDb({ dbUrl: 'postgresql://db/app', id: 'main' }).id).toBe('main');
    });

    it('rejects a pool it could not migrate with, and a schema name it would have to quote', () => {
      expect(() => new PostgresDb({ dbUrl, pool: { max: 1 } })).toThrow(/max >= 2/);
      expect(() => new PostgresDb({ dbUrl, pool: { min: 5, max: 2 } })).toThrow(/min <= max/);
      expect(() => new PostgresDb({ dbUrl, schema: 'a; drop table x' })).toThrow(/schema/);
    });

    it('reports a missing URL and an unreachable server as STORE_UNAVAILABLE', async () => {
      const previous = process.env.DATABASE_URL;
      delete process.env.DATABASE_URL;
      try {
        const noUrl = new PostgresDb();
        await expect(noUrl.init()).rejects.toMatchObject({
          code: 'STORE_UNAVAILABLE',
          message: expect.stringContaining('DATABASE_URL'),
        });
      } finally {
        if (previous !== undefined) process.env.DATABASE_URL = previous;
      }
      const unreachable = new PostgresDb({ dbUrl: 'postgresql://postgres@127.0.0.1:1/none' });
      const failure = await unreachable.createRun(newRun()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AgentMintError);
      expect(failure).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await unreachable.close();
    });

    it('with migrate: false leaves the schema alone', async () => {
      const { open } = scoped();
      const db = open({ migrate: false });
      await db.init();
      await expect(db.createRun(newRun())).rejects.toThrow(/agentmint_sessions/);
    });
  });
});

/** A run's final result as the runtime writes it for a plain completed run. */
function completedResult() {
  return {
    status: 'COMPLETED' as const,
    content: 'done',
    metrics: null,
    error: null,
    messages: [],
    updatedAt: new Date(),
  };
}
