import {
  AgentMintError,
  type HistoryQuery,
  type ListRunsQuery,
  type ListSessionsQuery,
  type Message,
  type NewRunRecord,
  type NewSessionRecord,
  newId,
  type OwnerScope,
  type PausedRunResult,
  type ResumeClaim,
  type RunEvent,
  RunNotFoundError,
  type RunPausedEvent,
  type RunRecord,
  type RunResult,
  type RunSignals,
  SessionExistsError,
  type SessionFilter,
  type SessionFork,
  type SessionPatch,
  type SessionRecord,
  type StaleRunsQuery,
  type Store,
  type TerminalRunEvent,
} from '@agentmint/core';
import type { AbstractSqlDriver, MikroORM, SqlEntityManager } from '@mikro-orm/sql';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { ownedBy } from './ownedBy.ts';
import { PendingWork } from './pendingWork.ts';
import { toMessage, toRunEvent, toRunRecord, toSessionRecord } from './rowMapping.ts';
import type { RunWriter } from './runWriter.ts';
import type { MessagesTable, StoredTables } from './storedTables.ts';
import { type ValueCodec, writeJson } from './valueCodec.ts';

export type SqlOrm = MikroORM<AbstractSqlDriver, SqlEntityManager<AbstractSqlDriver>>;

/** What a dialect hands the shared store once it is connected. */
export interface OpenedDatabase {
  readonly orm: SqlOrm;
  /** Reads go through MikroORM's own Kysely instance (its pool, its connection). */
  readonly db: Kysely<StoredTables>;
  /** The per-run writes, tuned for the dialect. */
  readonly writer: RunWriter;
}

export interface SqlStoreOptions {
  readonly id: string;
  readonly migrate: boolean;
  readonly codec: ValueCodec;
  readonly signals: RunSignals | undefined;
  /** Called after each committed write of events (in-process signals); PostgreSQL notifies in SQL. */
  readonly eventsStored?: ((runId: string, seq: number) => void) | undefined;
}

// Keeps `run_id in (...)` lists well under SQLite's and PostgreSQL's bound-parameter limits.
const ID_CHUNK = 500;
const DEFAULT_LIST_LIMIT = 100;

/**
 * The `Store` over MikroORM 7 shared by `SqliteDb` and `PostgresDb`. Entities and migrations define
 * the schema; reads go through MikroORM's Kysely instance (typed, bound parameters, no unit-of-work
 * overhead) and the three per-run writes through a `RunWriter` tuned per dialect. Subclasses open
 * the database and lock migrations.
 */
export abstract class SqlStore implements Store {
  readonly id: string;
  readonly signals: RunSignals | undefined;
  readonly #eventsStored: ((runId: string, seq: number) => void) | undefined;
  /** Both writers group-commit in issue order (a run's events, then its final row, in one commit). */
  readonly ordersWrites: boolean = true;
  readonly #migrate: boolean;
  readonly #codec: ValueCodec;
  readonly #pending = new PendingWork();
  #opened: OpenedDatabase | undefined;
  #opening: Promise<OpenedDatabase> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: SqlStoreOptions) {
    this.id = options.id;
    this.signals = options.signals;
    this.#eventsStored = options.eventsStored;
    this.#migrate = options.migrate;
    this.#codec = options.codec;
  }

  /** Connects and initialises MikroORM; nothing is migrated yet. */
  protected abstract open(): Promise<OpenedDatabase>;
  /** Runs `migrate` so that concurrent starts against the same database apply each migration once. */
  protected abstract withMigrationLock(
    opened: OpenedDatabase,
    migrate: () => Promise<void>,
  ): Promise<void>;
  /** Names the database in error messages, e.g. `SqliteDb 'agentmint.db'`. */
  protected abstract describe(): string;
  /** Gives back what `open()` claimed besides the ORM (SQLite's file lock); called once closed. */
  protected release(): void {}

  /** The MikroORM instance, for advanced use (own entities, raw queries); undefined before `init()`. */
  get orm(): SqlOrm | undefined {
    return this.#opened?.orm;
  }

  async init(): Promise<void> {
    await this.#database();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.#pending.drained();
    const opened = await this.#opening?.catch(() => undefined);
    this.#opened = undefined;
    try {
      await opened?.orm.close();
    } finally {
      this.release();
    }
  }

  #database(): Promise<OpenedDatabase> {
    if (this.#closing) return Promise.reject(this.#closedError());
    this.#opening ??= this.#open().catch((error: unknown) => {
      this.#opening = undefined; // a later call retries, e.g. once the database is reachable
      throw error;
    });
    return this.#opening;
  }

  async #open(): Promise<OpenedDatabase> {
    let opened: OpenedDatabase;
    try {
      opened = await this.open();
    } catch (error) {
      if (error instanceof AgentMintError) throw error; // already says what is wrong, with its code
      throw this.#unavailable('could not connect', error);
    }
    try {
      if (this.#migrate) {
        await this.withMigrationLock(opened, async () => {
          await opened.orm.migrator.up();
        });
      }
    } catch (error) {
      await opened.orm.close(true).catch(() => {});
      this.release();
      throw this.#unavailable('could not apply the migrations', error);
    }
    this.#opened = opened;
    return opened;
  }

  #unavailable(what: string, cause: unknown): AgentMintError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new AgentMintError('STORE_UNAVAILABLE', `${this.describe()}: ${what} (${detail})`, {
      cause,
      publicMessage: 'The database is unavailable; retry shortly',
    });
  }

  #closedError(): AgentMintError {
    return new AgentMintError('STORE_UNAVAILABLE', `${this.describe()} is closed`, {
      publicMessage: 'The database is unavailable; retry shortly',
    });
  }

  /** Runs `operation` on the connected database (dialect-specific statements); `close()` waits for it. */
  protected query<T>(operation: (db: Kysely<StoredTables>) => Promise<T>): Promise<T> {
    return this.#run(operation);
  }

  /** Runs one read once connected; `close()` waits for it. */
  #run<T>(operation: (db: Kysely<StoredTables>) => Promise<T>): Promise<T> {
    return this.#track((opened) => operation(opened.db));
  }

  /** Runs one of the hot-path writes once connected; `close()` waits for it. */
  #write<T>(operation: (writer: RunWriter) => Promise<T>): Promise<T> {
    return this.#track((opened) => operation(opened.writer));
  }

  #track<T>(operation: (opened: OpenedDatabase) => Promise<T>): Promise<T> {
    if (this.#closing) return Promise.reject(this.#closedError());
    const opened = this.#opened;
    return this.#pending.track(opened ? operation(opened) : this.#database().then(operation));
  }

  createRun(run: NewRunRecord): Promise<void> {
    return this.#write((writer) => writer.createRun(run));
  }

  appendEvents(runId: string, events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const written = this.#write((writer) => writer.appendEvents(runId, events));
    const stored = this.#eventsStored;
    if (!stored) return written;
    const seq = Math.max(...events.map((event) => event.seq));
    return written.then(() => stored(runId, seq));
  }

  finishRun(runId: string, result: RunResult, terminalEvent: TerminalRunEvent): Promise<boolean> {
    const written = this.#write((writer) => writer.finishRun(runId, result, terminalEvent));
    return this.#signalWon(written, runId, terminalEvent.seq);
  }

  pauseRun(runId: string, result: PausedRunResult, event: RunPausedEvent): Promise<boolean> {
    const written = this.#write((writer) => writer.pauseRun(runId, result, event));
    return this.#signalWon(written, runId, event.seq);
  }

  /** A conditional write that stored its event (`won`) wakes the run's watchers. */
  #signalWon(written: Promise<boolean>, runId: string, seq: number): Promise<boolean> {
    const stored = this.#eventsStored;
    if (!stored) return written;
    return written.then((won) => {
      if (won) stored(runId, seq);
      return won;
    });
  }

  resumeRun(runId: string, claim: ResumeClaim): Promise<boolean> {
    const updatedAt = this.#codec.date(claim.updatedAt);
    const expiresAt = claim.lease ? this.#codec.date(claim.lease.expiresAt) : null;
    return this.#run(async (db) => {
      // One conditional statement: of two concurrent continues exactly one matches the status.
      const row = await db
        .updateTable('agentmint_runs')
        .set({
          status: 'RUNNING',
          pause: null,
          owner_id: claim.lease?.ownerId ?? null,
          lease_expires_at: expiresAt,
          updated_at: updatedAt,
        })
        .where('id', '=', runId)
        .where('status', '=', claim.from)
        .returning('id')
        .executeTakeFirst();
      if (row) return true;
      const known = await db
        .selectFrom('agentmint_runs')
        .select('id')
        .where('id', '=', runId)
        .executeTakeFirst();
      if (!known) throw new RunNotFoundError(runId);
      return false;
    });
  }

  getRun(runId: string, scope?: OwnerScope): Promise<RunRecord | undefined> {
    return this.#run(async (db) => {
      const row = await db
        .selectFrom('agentmint_runs')
        .selectAll()
        .where('id', '=', runId)
        .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope)))
        .executeTakeFirst();
      if (!row) return undefined;
      const messages = await this.#messagesOf(db, [row.id]);
      return toRunRecord(row, messages.get(row.id) ?? [], this.#codec);
    });
  }

  listRuns(query: ListRunsQuery, scope?: OwnerScope): Promise<RunRecord[]> {
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    if (limit <= 0) return Promise.resolve([]);
    return this.#run(async (db) => {
      const rows = await db
        .selectFrom('agentmint_runs')
        .selectAll()
        .$if(query.sessionId !== undefined, (qb) => qb.where('session_id', '=', query.sessionId!))
        .$if(query.agentId !== undefined, (qb) => qb.where('agent_id', '=', query.agentId!))
        .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope)))
        .orderBy('created_at', 'desc')
        .orderBy('seq', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      const messages = await this.#messagesOf(
        db,
        rows.map((row) => row.id),
      );
      return rows.map((row) => toRunRecord(row, messages.get(row.id) ?? [], this.#codec));
    });
  }

  listStaleRuns(query: StaleRunsQuery): Promise<RunRecord[]> {
    if (query.limit <= 0) return Promise.resolve([]);
    const expired = this.#codec.date(query.leaseExpiredBefore);
    const written = this.#codec.date(query.writtenBefore);
    return this.#run(async (db) => {
      const rows = await db
        .selectFrom('agentmint_runs')
        .selectAll()
        // Literal, not bound: SQLite's planner matches it to its partial index of unfinished runs.
        .where(sql<boolean>`status in ('PENDING', 'RUNNING')`)
        .where((eb) =>
          eb.or([
            eb('lease_expires_at', '<', expired),
            eb.and([eb('lease_expires_at', 'is', null), eb('updated_at', '<', written)]),
          ]),
        )
        .orderBy('created_at', 'asc')
        .limit(query.limit)
        .execute();
      return rows.map((row) => toRunRecord(row, [], this.#codec));
    });
  }

  renewLeases(ownerId: string, runIds: readonly string[], expiresAt: Date): Promise<string[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    const until = this.#codec.date(expiresAt);
    return this.#run(async (db) => {
      const renewed: string[] = [];
      for (let start = 0; start < runIds.length; start += ID_CHUNK) {
        const rows = await db
          .updateTable('agentmint_runs')
          .set({ lease_expires_at: until })
          .where('id', 'in', runIds.slice(start, start + ID_CHUNK))
          .where('owner_id', '=', ownerId)
          .where('status', 'in', ['PENDING', 'RUNNING'])
          .returning('id')
          .execute();
        for (const row of rows) renewed.push(row.id);
      }
      return renewed;
    });
  }

  async #messagesOf(
    db: Kysely<StoredTables>,
    runIds: readonly string[],
  ): Promise<Map<string, Message[]>> {
    const byRun = new Map<string, Message[]>();
    for (let start = 0; start < runIds.length; start += ID_CHUNK) {
      const rows = await db
        .selectFrom('agentmint_messages')
        .selectAll()
        .where('run_id', 'in', runIds.slice(start, start + ID_CHUNK))
        .orderBy('run_id')
        .orderBy('seq')
        .execute();
      for (const row of rows) {
        const list = byRun.get(row.run_id);
        const message = toMessage(row, this.#codec);
        if (list) list.push(message);
        else byRun.set(row.run_id, [message]);
      }
    }
    return byRun;
  }

  listEvents(runId: string, afterSeq: number, scope?: OwnerScope): Promise<RunEvent[]> {
    return this.#run(async (db) => {
      // The run's ids come from its row, the name from its column: SQLite's event payloads leave them out.
      const rows = await db
        .selectFrom('agentmint_run_events as e')
        .innerJoin('agentmint_runs as r', 'r.id', 'e.run_id')
        .select(['e.payload', 'e.name', 'e.run_id', 'r.agent_id', 'r.session_id'])
        .where('e.run_id', '=', runId)
        .where('e.seq', '>', afterSeq)
        .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope, 'r.user_id')))
        .orderBy('e.seq')
        .execute();
      return rows.map((row) => toRunEvent(row, this.#codec));
    });
  }

  loadHistory(sessionId: string, query: HistoryQuery, scope?: OwnerScope): Promise<Message[]> {
    if (query.runs <= 0) return Promise.resolve([]);
    return this.#run(async (db) => {
      const rows = await db
        .selectFrom('agentmint_messages as m')
        .innerJoin(
          (eb) =>
            eb
              .selectFrom('agentmint_runs')
              .select(['id', 'seq'])
              .where('session_id', '=', sessionId)
              .where('status', '=', 'COMPLETED')
              .$if(query.excludeRunId !== undefined, (qb) =>
                qb.where('id', '<>', query.excludeRunId!),
              )
              .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope)))
              .orderBy('seq', 'desc')
              .limit(query.runs)
              .as('r'),
          (join) => join.onRef('r.id', '=', 'm.run_id'),
        )
        .selectAll('m')
        .orderBy('r.seq')
        .orderBy('m.seq')
        .execute();
      return rows.map((row: MessagesTable) => toMessage(row, this.#codec));
    });
  }

  getSession(sessionId: string, scope?: OwnerScope): Promise<SessionRecord | undefined> {
    return this.#run(async (db) => {
      const row = await db
        .selectFrom('agentmint_sessions')
        .selectAll()
        .where('id', '=', sessionId)
        .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope)))
        .executeTakeFirst();
      return row && toSessionRecord(row, this.#codec);
    });
  }

  listSessions(query: ListSessionsQuery, scope?: OwnerScope): Promise<SessionRecord[]> {
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    if (limit <= 0) return Promise.resolve([]);
    const descending = (query.sortOrder ?? 'desc') === 'desc';
    const sortKey =
      query.sortBy === 'name'
        ? sql<string>`lower(coalesce(name, ''))`
        : sql.ref<Date>(query.sortBy === 'createdAt' ? 'created_at' : 'updated_at');
    return this.#run(async (db) => {
      const rows = await filteredSessions(db.selectFrom('agentmint_sessions'), query, scope)
        .selectAll()
        .orderBy(sortKey, descending ? 'desc' : 'asc')
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .limit(limit)
        .offset(Math.max(0, query.offset ?? 0))
        .execute();
      return rows.map((row) => toSessionRecord(row, this.#codec));
    });
  }

  countSessions(filter: SessionFilter, scope?: OwnerScope): Promise<number> {
    return this.#run(async (db) => {
      const row = await filteredSessions(db.selectFrom('agentmint_sessions'), filter, scope)
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    });
  }

  createSession(session: NewSessionRecord): Promise<boolean> {
    const at = this.#codec.date(session.createdAt);
    return this.#run(async (db) => {
      const result = await db
        .insertInto('agentmint_sessions')
        .values({
          id: session.sessionId,
          agent_id: session.agentId,
          user_id: session.userId,
          name: session.name,
          state: writeJson(session.state) ?? '{}',
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    });
  }

  updateSession(
    sessionId: string,
    patch: SessionPatch,
    scope?: OwnerScope,
  ): Promise<SessionRecord | undefined> {
    const updatedAt = this.#codec.date(new Date());
    return this.#run(async (db) => {
      const row = await db
        .updateTable('agentmint_sessions')
        .set({
          updated_at: updatedAt,
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.state !== undefined && { state: writeJson(patch.state) ?? '{}' }),
        })
        .where('id', '=', sessionId)
        .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope)))
        .returningAll()
        .executeTakeFirst();
      return row && toSessionRecord(row, this.#codec);
    });
  }

  forkSession(fork: SessionFork, scope?: OwnerScope): Promise<SessionRecord | undefined> {
    return this.#track(async ({ db, writer }) => {
      const source = await db
        .selectFrom('agentmint_sessions')
        .selectAll()
        .where('id', '=', fork.fromSessionId)
        .$if(fork.agentId !== undefined, (qb) => qb.where('agent_id', '=', fork.agentId!))
        .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope)))
        .executeTakeFirst();
      if (!source) return undefined;
      // Runs still executing stay behind: nobody would finish their copies.
      const runs = await db
        .selectFrom('agentmint_runs')
        .select('id')
        .where('session_id', '=', source.id)
        .where('status', 'not in', ['PENDING', 'RUNNING'])
        .orderBy('seq')
        .execute();
      const forked = toSessionRecord(
        {
          ...source,
          id: fork.sessionId,
          name: fork.name ?? source.name,
          created_at: this.#codec.date(fork.createdAt),
          updated_at: this.#codec.date(fork.createdAt),
          forked_from_session_id: source.id,
        },
        this.#codec,
      );
      const written = await writer.forkSession({
        session: {
          id: forked.sessionId,
          agentId: forked.agentId,
          userId: forked.userId,
          name: forked.name,
          state: writeJson(forked.state) ?? '{}',
          createdAt: this.#codec.date(fork.createdAt),
          forkedFromSessionId: source.id,
        },
        runIds: runs.map((run) => [run.id, newId()] as const),
      });
      if (!written) throw new SessionExistsError(fork.sessionId);
      return forked;
    });
  }

  deleteSession(sessionId: string, scope?: OwnerScope): Promise<boolean> {
    // Runs, their events and messages go with the session (ON DELETE CASCADE).
    return this.#run(async (db) => {
      const result = await db
        .deleteFrom('agentmint_sessions')
        .where('id', '=', sessionId)
        .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope)))
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  renameSession(
    sessionId: string,
    name: string,
    scope?: OwnerScope,
  ): Promise<SessionRecord | undefined> {
    return this.updateSession(sessionId, { name }, scope);
  }
}

/** The session filter of a list or a count, in SQL, under the owner scope. */
function filteredSessions<TOut>(
  query: SelectQueryBuilder<StoredTables, 'agentmint_sessions', TOut>,
  filter: SessionFilter,
  scope: OwnerScope,
): SelectQueryBuilder<StoredTables, 'agentmint_sessions', TOut> {
  return query
    .$if(filter.agentId !== undefined, (qb) => qb.where('agent_id', '=', filter.agentId!))
    .$if(filter.userId !== undefined, (qb) => qb.where(ownedBy({ userId: filter.userId ?? null })))
    .$if(filter.nameContains !== undefined, (qb) =>
      qb.where(
        sql<boolean>`lower(name) like ${`%${escapeLike(filter.nameContains!.toLowerCase())}%`} escape '\\'`,
      ),
    )
    .$if(scope !== undefined, (qb) => qb.where(ownedBy(scope)));
}

/** `%`, `_` and the escape character itself match literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
