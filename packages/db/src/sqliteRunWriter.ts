import {
  type Message,
  type NewRunRecord,
  type PausedRunResult,
  type RunEvent,
  RunNotFoundError,
  type RunPausedEvent,
  type RunResult,
  SessionNotFoundError,
  type TerminalRunEvent,
} from '@agentmint/core';
import type { Kysely } from 'kysely';
import { GroupCommit } from './groupCommit.ts';
import { eventPayload, toMessageRow } from './rowMapping.ts';
import type { RunWriter } from './runWriter.ts';
import { type ForkWrite, forkStatements, sqliteForkDialect } from './sessionFork.ts';
import { BatchInsert } from './sqliteBatchInsert.ts';
import type { NativeSqlite } from './sqliteNative.ts';
import type { StoredTables } from './storedTables.ts';
import { TERMINAL_LIST } from './terminalStatuses.ts';
import { sqliteCodec, writeJson } from './valueCodec.ts';

/**
 * SQLite writes on better-sqlite3 directly: statements prepared once, each write synchronous and
 * run inside a group commit's transaction. The events and messages of every write in a transaction
 * go in just before it commits, in one multi-row insert per table, not one or two per write. Nothing interleaves with it, not even another
 * connection of this process, which would otherwise block the event loop in SQLite's busy handler.
 */
export class SqliteRunWriter implements RunWriter {
  readonly #db: NativeSqlite;
  /** Only compiles statements (a fork's) to SQL text; they run here, on the native handle. */
  readonly #compiler: Kysely<StoredTables>;
  readonly #group: GroupCommit;
  #writes: Writes | undefined;

  constructor(db: NativeSqlite, compiler: Kysely<StoredTables>) {
    this.#db = db;
    this.#compiler = compiler;
    this.#group = new GroupCommit((fn) =>
      db.transaction((...args) => {
        this.#writes?.dropDeferred(); // left by a transaction that rolled back
        const result = fn(...args);
        this.#writes?.runDeferred();
        return result;
      }),
    );
  }

  createRun(run: NewRunRecord): Promise<void> {
    return this.#group.submit(() => this.#prepared().createRun(run));
  }

  appendEvents(runId: string, events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.#group.submit(() => this.#prepared().appendEvents(runId, events));
  }

  finishRun(runId: string, result: RunResult, terminalEvent: TerminalRunEvent): Promise<boolean> {
    return this.#group.submit(() => this.#prepared().finishRun(runId, result, terminalEvent));
  }

  pauseRun(runId: string, result: PausedRunResult, event: RunPausedEvent): Promise<boolean> {
    return this.#group.submit(() => this.#prepared().pauseRun(runId, result, event));
  }

  /** In the group commit like every write, so no other statement runs inside its transaction. */
  forkSession(fork: ForkWrite): Promise<boolean> {
    const [session, ...copies] = forkStatements(fork, sqliteForkDialect).map((statement) =>
      statement.compile(this.#compiler),
    );
    return this.#group.submit(() => {
      this.#writes?.runDeferred(); // the events and messages written before it in this transaction
      const run = ({ sql, parameters }: { sql: string; parameters: readonly unknown[] }) =>
        this.#db.prepare(sql).run(...parameters);
      if (run(session!).changes === 0) return false;
      for (const statement of copies) run(statement);
      return true;
    });
  }

  /** Prepared on first use, so a store opened with `migrate: false` fails on its first write, not on open. */
  #prepared(): Writes {
    this.#writes ??= prepareWrites(this.#db);
    return this.#writes;
  }
}

interface Writes {
  createRun(run: NewRunRecord): void;
  /** Kept back (as the messages of a finish or pause are) for `runDeferred()`, before the commit. */
  appendEvents(runId: string, events: readonly RunEvent[]): void;
  finishRun(runId: string, result: RunResult, terminalEvent: TerminalRunEvent): boolean;
  pauseRun(runId: string, result: PausedRunResult, event: RunPausedEvent): boolean;
  /** Inserts the events and messages of the transaction so far, a multi-row insert per table. */
  runDeferred(): void;
  /** Forgets them: their transaction rolled back. */
  dropDeferred(): void;
}

// Rows per multi-row insert: the events (or messages) of a group commit's runs take a statement or two.
const ROWS_PER_INSERT = 32;

function prepareWrites(db: NativeSqlite): Writes {
  const insertSession = db.prepare(
    `insert into agentmint_sessions (id, agent_id, user_id, name, state, created_at, updated_at)
     values (?, ?, ?, null, '{}', ?, ?) on conflict (id) do nothing`,
  );
  // The session's owner is checked in the insert itself (`is`: null-safe, so an anonymous session
  // belongs to anonymous runs only); in the same transaction as the session's insert, and SQLite
  // has one writer, so the check cannot go stale. The run's session and user come from the session
  // row it matched: each id is bound once (a bound string is converted to UTF-8 on every bind).
  const insertRun = db.prepare(
    `insert into agentmint_runs (id, session_id, seq, agent_id, user_id, status, input,
       factory_input, content, model, model_provider, metrics, error, created_at, updated_at,
       owner_id, lease_expires_at)
     select ?, s.id, (select coalesce(max(seq), 0) + 1 from agentmint_runs where session_id = s.id),
       ?, s.user_id, 'RUNNING', ?, ?, null, ?, ?, null, null, ?, ?, ?, ?
     from agentmint_sessions s where s.id = ? and s.user_id is ?`,
  );
  // A run in the session its create just inserted: the session is there, its owner is the run's
  // user and it has no runs, so no select of it and no `max(seq)`: its first run, seq 1.
  const insertFirstRun = db.prepare(
    `insert into agentmint_runs (id, session_id, seq, agent_id, user_id, status, input,
       factory_input, content, model, model_provider, metrics, error, created_at, updated_at,
       owner_id, lease_expires_at)
     values (?, ?, 1, ?, ?, 'RUNNING', ?, ?, null, ?, ?, null, null, ?, ?, ?, ?)`,
  );
  const insertEvents = new BatchInsert(db, {
    into: 'insert into agentmint_run_events (run_id, seq, name, payload)',
    columns: 4,
    tail: 'on conflict (run_id, seq) do nothing',
    maxRows: ROWS_PER_INSERT,
  });
  // Only a run that has not ended takes a final status: the first terminal status wins. Without
  // `returning` for a run whose session this writer knows (no row to build and hand back).
  const finishSet = `update agentmint_runs set status = ?, content = ?, output = ?, metrics = ?, error = ?,
     updated_at = ? where id = ? and status not in ${TERMINAL_LIST}`;
  const updateRun = db.prepare(finishSet);
  const updateRunReturning = db.prepare(`${finishSet} returning session_id`);
  const pauseRunRow = db.prepare(
    `update agentmint_runs set status = 'PAUSED', pause = ?, owner_id = null,
       lease_expires_at = null, updated_at = ?
     where id = ? and status = 'RUNNING' returning session_id`,
  );
  const runExists = db.prepare('select 1 as found from agentmint_runs where id = ?');
  const deleteMessages = db.prepare('delete from agentmint_messages where run_id = ?');
  const insertMessages = new BatchInsert(db, {
    into: `insert into agentmint_messages (run_id, seq, session_id, role, content, tool_calls,
       tool_call_id, tool_name, is_error, attachments)`,
    columns: 10,
    maxRows: ROWS_PER_INSERT,
  });
  // The sessions an end touched in this transaction, each set to its last end's time (as one
  // update per end, in order, would leave it): one statement before the commit, not one per end.
  const touchSessions = new BatchInsert(db, {
    into: 'update agentmint_sessions set updated_at = touched.column2 from (',
    columns: 2,
    tail: ') as touched where agentmint_sessions.id = touched.column1',
    maxRows: ROWS_PER_INSERT,
  });
  const touched = new Map<string, number>();
  // Runs this writer inserted whose messages it has not stored yet, with their session: ending one
  // needs no delete of earlier messages (an index seek per run) and no `returning` of its session.
  // Forgotten at every end, won or lost, so an end that rolls back only costs its retry the delete;
  // a create that rolls back leaves a run that is not there, whose end fails on the missing row first.
  const withoutMessages = new Map<string, string>();

  const createRun = (run: NewRunRecord) => {
    const at = run.createdAt.getTime();
    const owner = run.lease?.ownerId ?? null;
    const leaseEnd = run.lease?.expiresAt.getTime() ?? null;
    const factoryInput = writeJson(run.factoryInput);
    if (insertSession.run(run.sessionId, run.agentId, run.userId, at, at).changes > 0) {
      insertFirstRun.run(
        run.runId,
        run.sessionId,
        run.agentId,
        run.userId,
        run.input,
        factoryInput,
        run.model,
        run.modelProvider,
        at,
        at,
        owner,
        leaseEnd,
      );
      withoutMessages.set(run.runId, run.sessionId);
      return;
    }
    const inserted = insertRun.run(
      run.runId,
      run.agentId,
      run.input,
      factoryInput,
      run.model,
      run.modelProvider,
      at,
      at,
      owner,
      leaseEnd,
      run.sessionId,
      run.userId,
    );
    if (inserted.changes === 0) throw new SessionNotFoundError(run.sessionId);
    withoutMessages.set(run.runId, run.sessionId);
  };
  const appendEvents = (runId: string, events: readonly RunEvent[]) => {
    // An unknown run fails on the foreign key once the rows go in, before the commit: the group
    // rolls back and each write is retried alone, so only this append fails.
    const values: unknown[] = [];
    for (const event of events) values.push(runId, event.seq, event.event, eventPayload(event));
    insertEvents.defer(values);
  };
  const finishRun = (
    runId: string,
    result: RunResult,
    terminalEvent: TerminalRunEvent,
  ): boolean => {
    const at = result.updatedAt.getTime();
    const values = [
      result.status,
      result.content,
      writeJson(result.output ?? null),
      writeJson(result.metrics),
      writeJson(result.error),
      at,
      runId,
    ];
    const known = withoutMessages.get(runId);
    let sessionId: string | undefined;
    if (known !== undefined) {
      withoutMessages.delete(runId);
      if (updateRun.run(values).changes > 0) sessionId = known;
    } else {
      sessionId = (updateRunReturning.get(values) as { session_id: string } | undefined)
        ?.session_id;
    }
    if (sessionId === undefined) {
      if (runExists.get(runId) === undefined) throw new RunNotFoundError(runId);
      return false;
    }
    endSegment(runId, sessionId, result.messages, terminalEvent, at, known === undefined);
    return true;
  };
  const pauseRun = (runId: string, result: PausedRunResult, event: RunPausedEvent): boolean => {
    const at = result.updatedAt.getTime();
    const stored = !withoutMessages.delete(runId);
    const run = pauseRunRow.get(writeJson(result.pause), at, runId) as
      | { session_id: string }
      | undefined;
    if (!run) {
      if (runExists.get(runId) === undefined) throw new RunNotFoundError(runId);
      return false;
    }
    endSegment(runId, run.session_id, result.messages, event, at, stored);
    return true;
  };
  /** What a finish and a pause both store: the event, the run's messages, the session's activity. */
  const endSegment = (
    runId: string,
    sessionId: string,
    messages: readonly Message[],
    event: RunEvent,
    at: number,
    messagesStored: boolean,
  ) => {
    appendEvents(runId, [event]);
    if (messagesStored) deleteMessages.run(runId);
    const values: unknown[] = [];
    for (const [index, message] of messages.entries()) {
      const row = toMessageRow(message, { runId, sessionId, seq: index + 1 }, sqliteCodec);
      values.push(
        row.run_id,
        row.seq,
        row.session_id,
        row.role,
        row.content,
        row.tool_calls,
        row.tool_call_id,
        row.tool_name,
        row.is_error,
        row.attachments,
      );
    }
    insertMessages.defer(values);
    touched.set(sessionId, at);
  };
  // Events first: a run's messages are stored after its events, as before.
  const deferred = [insertEvents, insertMessages];
  const runDeferred = () => {
    for (const insert of deferred) insert.runDeferred();
    if (touched.size === 0) return;
    const values: unknown[] = [];
    for (const [sessionId, at] of touched) values.push(sessionId, at);
    touched.clear();
    touchSessions.run(values);
  };
  const dropDeferred = () => {
    for (const insert of deferred) insert.dropDeferred();
    touched.clear();
  };
  return { createRun, appendEvents, finishRun, pauseRun, runDeferred, dropDeferred };
}
