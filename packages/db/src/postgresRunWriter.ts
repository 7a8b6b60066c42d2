import type { Message, NewRunRecord, RunEvent, RunResult } from '@agentmint/core';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { PostgresGroupCommit } from './postgresGroupCommit.ts';
import { pgJson } from './postgresText.ts';
import type { RunWriter } from './runWriter.ts';
import type { StoredTables } from './storedTables.ts';

type RunWrite =
  | { readonly kind: 'create'; readonly runId: string; readonly run: NewRunRecord }
  | { readonly kind: 'append'; readonly runId: string; readonly events: readonly RunEvent[] }
  | { readonly kind: 'finish'; readonly runId: string; readonly result: RunResult };

/**
 * PostgreSQL writes through a group commit: the writes of concurrent runs that queue up while one
 * group is in flight go out together as ONE statement, so one round trip and one commit per
 * group, whatever its size. Data-modifying CTEs make it atomic without BEGIN/COMMIT round trips:
 * createRun (session + run), appendEvents and finishRun (run + messages + session). Each kind's
 * rows travel as one jsonb parameter, so no write is bound by PostgreSQL's parameter limit.
 *
 * With `asyncEventCommit`, a group of event appends only commits without waiting for the WAL flush
 * (most of a commit's cost on a disk-bound server); a group holding a createRun or finishRun
 * commits synchronously. finishRun's flush covers every event appended before it, so a finished
 * run's events are as durable as the run; a PostgreSQL crash during a run may lose its last events
 * (up to `wal_writer_delay`, 200 ms by default), never a run row.
 */
export class PostgresRunWriter implements RunWriter {
  readonly #db: Kysely<StoredTables>;
  readonly #group: PostgresGroupCommit<RunWrite>;
  readonly #sessions: RawBuilder<unknown>;
  readonly #runs: RawBuilder<unknown>;
  readonly #events: RawBuilder<unknown>;
  readonly #messages: RawBuilder<unknown>;
  readonly #asyncEventCommit: boolean;

  constructor(
    db: Kysely<StoredTables>,
    options: { schema: string | undefined; asyncEventCommit: boolean },
  ) {
    const { schema } = options;
    this.#db = db;
    this.#group = new PostgresGroupCommit((writes) => this.#commit(writes));
    this.#asyncEventCommit = options.asyncEventCommit;
    const table = (name: string) => sql.table(schema === undefined ? name : `${schema}.${name}`);
    this.#sessions = table('agentmint_sessions');
    this.#runs = table('agentmint_runs');
    this.#events = table('agentmint_run_events');
    this.#messages = table('agentmint_messages');
  }

  createRun(run: NewRunRecord): Promise<void> {
    return this.#group.submit({ kind: 'create', runId: run.runId, run });
  }

  appendEvents(runId: string, events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.#group.submit({ kind: 'append', runId, events });
  }

  finishRun(runId: string, result: RunResult): Promise<void> {
    return this.#group.submit({ kind: 'finish', runId, result });
  }

  /** One statement for the whole group (at most one write per run); unknown runs fail alone. */
  async #commit(writes: readonly RunWrite[]): Promise<readonly (Error | undefined)[]> {
    const creates: NewRunRecord[] = [];
    const events: { run_id: string; seq: number; name: string; payload: RunEvent }[] = [];
    const finishes: ReturnType<typeof toFinishRecord>[] = [];
    for (const write of writes) {
      if (write.kind === 'create') creates.push(write.run);
      else if (write.kind === 'finish') finishes.push(toFinishRecord(write.runId, write.result));
      else {
        for (const e of write.events) {
          events.push({ run_id: write.runId, seq: e.seq, name: e.event, payload: e });
        }
      }
    }
    const parts: RawBuilder<unknown>[] = [];
    if (creates.length > 0) parts.push(...this.#createParts(creates));
    if (events.length > 0) parts.push(this.#appendPart(events));
    if (finishes.length > 0) parts.push(...this.#finishParts(finishes));
    const finishedIds =
      finishes.length > 0 ? sql`array(select id from finished)` : sql`'{}'::text[]`;
    // set_config(..., true) acts as SET LOCAL on this statement's own transaction.
    const asyncCommit =
      this.#asyncEventCommit && creates.length === 0 && finishes.length === 0
        ? sql`, set_config('synchronous_commit', 'off', true) as async_commit`
        : sql``;
    const { rows } = await sql<{ finished: string[] }>`
      with ${sql.join(parts)}
      select ${finishedIds} as finished ${asyncCommit}
    `.execute(this.#db);
    const finished = new Set(rows[0]?.finished ?? []);
    return writes.map((write) =>
      write.kind === 'finish' && !finished.has(write.runId)
        ? new Error(`unknown run ${write.runId}`)
        : undefined,
    );
  }

  #createParts(creates: readonly NewRunRecord[]): RawBuilder<unknown>[] {
    const records = creates.map((run, ord) => ({
      ord,
      id: run.runId,
      session_id: run.sessionId,
      agent_id: run.agentId,
      user_id: run.userId,
      input: run.input,
      factory_input: run.factoryInput ?? null,
      model: run.model,
      model_provider: run.modelProvider,
      created_at: run.createdAt,
    }));
    // A run's foreign key is checked at the end of the statement, when its session row exists.
    // Runs of one session created together get consecutive seqs, in the order they were submitted.
    return [
      sql`new_runs as (
        select * from jsonb_to_recordset(${pgJson(records)}::jsonb) as r(ord int, id text,
          session_id text, agent_id text, user_id text, input text, factory_input jsonb,
          model text, model_provider text, created_at timestamptz)
      )`,
      sql`new_sessions as (
        insert into ${this.#sessions} (id, agent_id, user_id, name, state, created_at, updated_at)
        select distinct on (session_id) session_id, agent_id, user_id, null, '{}', created_at,
          created_at
        from new_runs order by session_id, ord
        on conflict (id) do nothing
      )`,
      sql`created as (
        insert into ${this.#runs} (id, session_id, seq, agent_id, user_id, status, input,
          factory_input, content, model, model_provider, metrics, error, created_at, updated_at)
        select n.id, n.session_id,
          coalesce((select max(prior.seq) from ${this.#runs} as prior
            where prior.session_id = n.session_id), 0)
            + row_number() over (partition by n.session_id order by n.ord),
          n.agent_id, n.user_id, 'RUNNING', n.input, n.factory_input, null, n.model,
          n.model_provider, null, null, n.created_at, n.created_at
        from new_runs as n
      )`,
    ];
  }

  #appendPart(events: readonly { run_id: string; seq: number }[]): RawBuilder<unknown> {
    // An unknown run fails the foreign key, and with it the group (retried write by write).
    return sql`appended as (
      insert into ${this.#events} (run_id, seq, name, payload)
      select e.run_id, e.seq, e.name, e.payload
      from jsonb_to_recordset(${pgJson(events)}::jsonb)
        as e(run_id text, seq int, name text, payload jsonb)
      on conflict (run_id, seq) do nothing
    )`;
  }

  #finishParts(finishes: readonly ReturnType<typeof toFinishRecord>[]): RawBuilder<unknown>[] {
    // Upsert then trim rather than delete then insert: one statement cannot do both to one key.
    return [
      sql`finishing as (
        select * from jsonb_to_recordset(${pgJson(finishes)}::jsonb) as f(run_id text,
          status text, content text, metrics jsonb, error jsonb, updated_at timestamptz,
          messages jsonb, message_count int)
      )`,
      sql`finished as (
        update ${this.#runs} as run
        set status = f.status, content = f.content, metrics = f.metrics, error = f.error,
          updated_at = f.updated_at
        from finishing as f
        where run.id = f.run_id
        returning run.id, run.session_id, f.messages, f.message_count, f.updated_at
      )`,
      sql`upserted as (
        insert into ${this.#messages} (run_id, seq, session_id, role, content, tool_calls,
          tool_call_id, tool_name, is_error)
        select fd.id, m.seq, fd.session_id, m.role, m.content, m.tool_calls, m.tool_call_id,
          m.tool_name, m.is_error
        from finished as fd cross join lateral jsonb_to_recordset(fd.messages)
          as m(seq int, role text, content text, tool_calls jsonb, tool_call_id text,
            tool_name text, is_error boolean)
        on conflict (run_id, seq) do update set session_id = excluded.session_id,
          role = excluded.role, content = excluded.content, tool_calls = excluded.tool_calls,
          tool_call_id = excluded.tool_call_id, tool_name = excluded.tool_name,
          is_error = excluded.is_error
      )`,
      sql`trimmed as (
        delete from ${this.#messages} as old using finished as fd
        where old.run_id = fd.id and old.seq > fd.message_count
      )`,
      sql`touched as (
        update ${this.#sessions} as s set updated_at = t.updated_at
        from (select session_id, max(updated_at) as updated_at from finished group by session_id)
          as t
        where s.id = t.session_id
      )`,
    ];
  }
}

/** One finishRun as a jsonb_to_recordset record, its messages nested as records of their own. */
function toFinishRecord(runId: string, result: RunResult) {
  return {
    run_id: runId,
    status: result.status,
    content: result.content,
    metrics: result.metrics,
    error: result.error,
    updated_at: result.updatedAt,
    messages: result.messages.map(toRecord),
    message_count: result.messages.length,
  };
}

/** One message as a jsonb_to_recordset record; absent optional fields become SQL NULL. */
function toRecord(message: Message, index: number) {
  return {
    seq: index + 1,
    role: message.role,
    content: message.content,
    tool_calls: message.role === 'assistant' ? (message.toolCalls ?? null) : null,
    tool_call_id: message.role === 'tool' ? message.toolCallId : null,
    tool_name: message.role === 'tool' ? message.toolName : null,
    is_error: message.role === 'tool' ? (message.isError ?? null) : null,
  };
}
