import type { Message, NewRunRecord, RunEvent, RunResult } from '@agentmint/core';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { pgJson, pgText } from './postgresText.ts';
import type { RunWriter } from './runWriter.ts';
import type { StoredTables } from './storedTables.ts';

// Keeps a multi-row insert under PostgreSQL's 65,535 bound parameters.
const EVENT_CHUNK = 1_000;

/**
 * PostgreSQL writes in one statement each, so one round trip and one commit per call: data-modifying
 * CTEs make createRun (session + run) and finishRun (run + messages + session) atomic without
 * BEGIN/COMMIT round trips. Messages travel as one jsonb parameter, whatever their number.
 *
 * With `asyncEventCommit`, event batches commit without waiting for the WAL flush (most of a
 * commit's cost on a disk-bound server). createRun and finishRun stay synchronous, and finishRun's
 * flush covers every event appended before it, so a finished run's events are as durable as the
 * run; a PostgreSQL crash during a run may lose its last events (up to `wal_writer_delay`, 200 ms
 * by default), never a run row.
 */
export class PostgresRunWriter implements RunWriter {
  readonly #db: Kysely<StoredTables>;
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
    this.#asyncEventCommit = options.asyncEventCommit;
    const table = (name: string) => sql.table(schema === undefined ? name : `${schema}.${name}`);
    this.#sessions = table('agentmint_sessions');
    this.#runs = table('agentmint_runs');
    this.#events = table('agentmint_run_events');
    this.#messages = table('agentmint_messages');
  }

  async createRun(run: NewRunRecord): Promise<void> {
    // The run's foreign key is checked at the end of the statement, when the session row exists.
    await sql`
      with session as (
        insert into ${this.#sessions} (id, agent_id, user_id, name, state, created_at, updated_at)
        values (${run.sessionId}, ${run.agentId}, ${run.userId}, null, '{}', ${run.createdAt}, ${run.createdAt})
        on conflict (id) do nothing
      )
      insert into ${this.#runs} (id, session_id, seq, agent_id, user_id, status, input,
        factory_input, content, model, model_provider, metrics, error, created_at, updated_at)
      values (${run.runId}, ${run.sessionId},
        (select coalesce(max(seq), 0) + 1 from ${this.#runs} where session_id = ${run.sessionId}),
        ${run.agentId}, ${run.userId}, 'RUNNING', ${pgText(run.input)}, ${pgJson(run.factoryInput)}::jsonb,
        null, ${run.model}, ${run.modelProvider}, null, null, ${run.createdAt}, ${run.createdAt})
    `.execute(this.#db);
  }

  async appendEvents(runId: string, events: readonly RunEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += EVENT_CHUNK) {
      const rows = events
        .slice(start, start + EVENT_CHUNK)
        .map((e) => sql`(${runId}, ${e.seq}::int, ${e.event}, ${pgJson(e)}::jsonb)`);
      // set_config(..., true) acts as SET LOCAL on this statement's own transaction.
      const asyncCommit = this.#asyncEventCommit
        ? sql`cross join (select set_config('synchronous_commit', 'off', true)) as async_commit`
        : sql``;
      await sql`
        insert into ${this.#events} (run_id, seq, name, payload)
        select e.run_id, e.seq, e.name, e.payload
        from (values ${sql.join(rows)}) as e(run_id, seq, name, payload) ${asyncCommit}
        on conflict (run_id, seq) do nothing
      `.execute(this.#db);
    }
  }

  async finishRun(runId: string, result: RunResult): Promise<void> {
    // Upsert then trim rather than delete then insert: one statement cannot do both to one key.
    const { rows } = await sql<{ found: string }>`
      with run as (
        update ${this.#runs}
        set status = ${result.status}, content = ${pgText(result.content)},
          metrics = ${pgJson(result.metrics)}::jsonb, error = ${pgJson(result.error)}::jsonb,
          updated_at = ${result.updatedAt}
        where id = ${runId}
        returning id, session_id
      ), upserted as (
        insert into ${this.#messages} (run_id, seq, session_id, role, content, tool_calls,
          tool_call_id, tool_name, is_error)
        select run.id, m.seq, run.session_id, m.role, m.content, m.tool_calls, m.tool_call_id,
          m.tool_name, m.is_error
        from run cross join jsonb_to_recordset(${pgJson(result.messages.map(toRecord))}::jsonb)
          as m(seq int, role text, content text, tool_calls jsonb, tool_call_id text,
            tool_name text, is_error boolean)
        on conflict (run_id, seq) do update set session_id = excluded.session_id,
          role = excluded.role, content = excluded.content, tool_calls = excluded.tool_calls,
          tool_call_id = excluded.tool_call_id, tool_name = excluded.tool_name,
          is_error = excluded.is_error
      ), trimmed as (
        delete from ${this.#messages}
        where run_id = (select id from run) and seq > ${result.messages.length}
      ), session as (
        update ${this.#sessions} set updated_at = ${result.updatedAt}
        where id = (select session_id from run)
      )
      select count(*) as found from run
    `.execute(this.#db);
    if (Number(rows[0]?.found ?? 0) === 0) throw new Error(`unknown run ${runId}`);
  }
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
