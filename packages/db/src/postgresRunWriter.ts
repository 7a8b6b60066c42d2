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
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { FixedStatement, type Slots } from './postgresFixedStatement.ts';
import { PostgresGroupCommit } from './postgresGroupCommit.ts';
import type { PostgresStatements } from './postgresStatements.ts';
import { pgJson, pgText } from './postgresText.ts';
import type { RunWriter } from './runWriter.ts';
import {
  type ForkDialect,
  type ForkWrite,
  forkStatements,
  postgresForkDialect,
} from './sessionFork.ts';
import type { StoredTables } from './storedTables.ts';
import { TERMINAL_LIST } from './terminalStatuses.ts';

// Only a run that has not ended takes a final status: the first terminal status wins.
const NOT_ENDED = sql.raw(`not in ${TERMINAL_LIST}`);

// Inserts a new session, or takes the existing one with ANOTHER owner through DO UPDATE (a
// same-value update) so RETURNING reports its owner: unlike DO NOTHING, DO UPDATE sees a row that a
// concurrent transaction committed after this statement's snapshot. An existing session of the
// run's own user is neither returned nor written. So a returned row with another user_id means
// "not yours", atomically with the insert: never a session of mixed owners.
const CLAIM_SESSION = sql`on conflict (id) do update set user_id = s.user_id
  where s.user_id is distinct from excluded.user_id
  returning s.id, s.user_id`;

type RunWrite =
  | { readonly kind: 'create'; readonly runId: string; readonly run: NewRunRecord }
  | { readonly kind: 'append'; readonly runId: string; readonly events: readonly RunEvent[] }
  | {
      readonly kind: 'finish';
      readonly runId: string;
      readonly result: RunResult;
      readonly terminalEvent: TerminalRunEvent;
    };

/** A finishRun's answer (did it end the run); other writes have none. */
type WriteResult = boolean | undefined;

/** A lone createRun's arguments, ready to bind. */
interface CreateArgs {
  readonly runId: string;
  readonly sessionId: string;
  readonly agentId: string;
  readonly userId: string | null;
  readonly input: string;
  readonly factoryInput: string | null;
  readonly model: string | null;
  readonly modelProvider: string | null;
  readonly createdAt: Date;
  readonly ownerId: string | null;
  readonly leaseExpiresAt: Date | null;
}

/** A lone append's arguments: the events as one jsonb text. */
interface AppendArgs {
  readonly runId: string;
  readonly events: string | null;
}

/** What every end of a segment binds: the run, its event, its messages, its last appends. */
interface SegmentArgs {
  readonly runId: string;
  readonly eventSeq: number;
  readonly eventName: string;
  readonly event: string | null;
  readonly messages: string | null;
  readonly messageCount: number;
  readonly updatedAt: Date;
  /** Only in the texts that carry the run's last appends. */
  readonly events?: string | null;
}

/** finishRun's row update. */
interface FinishArgs extends SegmentArgs {
  readonly status: string;
  readonly content: string | null;
  readonly output: string | null;
  readonly metrics: string | null;
  readonly error: string | null;
}

/** pauseRun's row update. */
interface PauseArgs extends SegmentArgs {
  readonly pause: string | null;
}

/** Whether an end of a segment applied: `won`, the run had ended already, or there is no such run. */
type SegmentResult = { outcome: 'won' | 'ended' | 'unknown' };

/**
 * PostgreSQL writes through a group commit: the writes of concurrent runs that queue up while one
 * group is in flight go out together as ONE statement, so one round trip and one commit per
 * group, whatever its size; a lone write takes a leaner statement of its own, of a fixed text, sent
 * as a named prepared statement (`PostgresStatements`). Data-modifying CTEs
 * make each atomic without BEGIN/COMMIT round trips: createRun (session + run), appendEvents and
 * finishRun (run + messages + session). A group's rows of each kind travel as one jsonb parameter.
 *
 * With `asyncEventCommit`, a group of event appends only commits without waiting for the WAL flush
 * (most of a commit's cost on a disk-bound server); a group holding a createRun or finishRun
 * commits synchronously. finishRun's flush covers every event appended before it, so a finished
 * run's events are as durable as the run; a PostgreSQL crash during a run may lose its last events
 * (up to `wal_writer_delay`, 200 ms by default), never a run row.
 */
export class PostgresRunWriter implements RunWriter {
  readonly #db: Kysely<StoredTables>;
  readonly #statements: PostgresStatements;
  readonly #group: PostgresGroupCommit<RunWrite, WriteResult>;
  readonly #sessions: RawBuilder<unknown>;
  readonly #runs: RawBuilder<unknown>;
  readonly #events: RawBuilder<unknown>;
  readonly #messages: RawBuilder<unknown>;
  readonly #asyncEventCommit: boolean;
  readonly #channel: string | undefined;
  readonly #fork: ForkDialect;
  // The lone writes' texts, compiled once (see FixedStatement).
  readonly #create: FixedStatement<CreateArgs, never>;
  readonly #append: FixedStatement<AppendArgs, unknown>;
  readonly #finish: FixedStatement<FinishArgs, SegmentResult>;
  readonly #finishWithEvents: FixedStatement<FinishArgs, SegmentResult>;
  readonly #pause: FixedStatement<PauseArgs, SegmentResult>;

  constructor(
    db: Kysely<StoredTables>,
    statements: PostgresStatements,
    options: {
      schema: string | undefined;
      asyncEventCommit: boolean;
      /** NOTIFY channel told of every stored event (run id + seq); none: no notifications. */
      channel: string | undefined;
    },
  ) {
    const { schema } = options;
    this.#db = db;
    this.#statements = statements;
    this.#channel = options.channel;
    // A run's last events and its final row share a statement: the events insert and the row
    // update are independent CTEs, and the finish is what makes the commit synchronous. An append
    // waits a turn when the queue is idle: a run that ends at once (its model answered in that
    // turn) then commits its events with its final row, one commit instead of three.
    this.#group = new PostgresGroupCommit(
      (writes) => this.#commit(writes),
      (earlier, later) =>
        earlier.kind === 'append' && (later.kind === 'append' || later.kind === 'finish'),
      (write) => write.kind === 'append',
    );
    this.#asyncEventCommit = options.asyncEventCommit;
    const table = (name: string) => sql.table(schema === undefined ? name : `${schema}.${name}`);
    this.#sessions = table('agentmint_sessions');
    this.#runs = table('agentmint_runs');
    this.#events = table('agentmint_run_events');
    this.#messages = table('agentmint_messages');
    this.#fork = postgresForkDialect(schema);
    this.#create = new FixedStatement(db, (a) => this.#createText(a));
    this.#append = new FixedStatement(db, (a) => this.#appendText(a));
    const finishUpdate = (a: Slots<FinishArgs>) => sql`update ${this.#runs}
        set status = ${a.status}, content = ${a.content}, output = ${a.output}::jsonb,
          metrics = ${a.metrics}::jsonb, error = ${a.error}::jsonb, updated_at = ${a.updatedAt}
        where id = ${a.runId} and status ${NOT_ENDED}
        returning id, session_id`;
    this.#finish = new FixedStatement(db, (a) => this.#segmentText(a, finishUpdate(a), false));
    this.#finishWithEvents = new FixedStatement(db, (a) =>
      this.#segmentText(a, finishUpdate(a), true),
    );
    this.#pause = new FixedStatement(db, (a) =>
      this.#segmentText(
        a,
        sql`update ${this.#runs}
        set status = 'PAUSED', pause = ${a.pause}::jsonb, owner_id = null,
          lease_expires_at = null, updated_at = ${a.updatedAt}
        where id = ${a.runId} and status = 'RUNNING'
        returning id, session_id`,
        false,
      ),
    );
  }

  /** Off the group commit: a transaction of its own on a pooled connection. */
  forkSession(fork: ForkWrite): Promise<boolean> {
    const [session, ...copies] = forkStatements(fork, this.#fork);
    return this.#db.transaction().execute(async (trx) => {
      const inserted = await session!.execute(trx);
      if ((inserted.numAffectedRows ?? 0n) === 0n) return false;
      for (const statement of copies) await statement.execute(trx);
      return true;
    });
  }

  async createRun(run: NewRunRecord): Promise<void> {
    await this.#group.submit({ kind: 'create', runId: run.runId, run });
  }

  async appendEvents(runId: string, events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.#group.submit({ kind: 'append', runId, events });
  }

  async finishRun(
    runId: string,
    result: RunResult,
    terminalEvent: TerminalRunEvent,
  ): Promise<boolean> {
    return (await this.#group.submit({ kind: 'finish', runId, result, terminalEvent })) === true;
  }

  /** One statement for the whole group (at most one write per run); unknown runs fail alone. */
  async #commit(writes: readonly RunWrite[]): Promise<readonly (Error | WriteResult)[]> {
    if (writes.length === 1) return [await this.#alone(writes[0]!)];
    const last = writes.at(-1)!;
    const oneRunsTail = writes.every(
      (w, i) => w.runId === last.runId && (w.kind === 'append' || i === writes.length - 1),
    );
    if (last.kind === 'finish' && oneRunsTail) {
      return this.#eventsThenFinish(writes, last);
    }
    const creates: NewRunRecord[] = [];
    const events: { run_id: string; seq: number; name: string; payload: RunEvent }[] = [];
    const finishes: ReturnType<typeof toFinishRecord>[] = [];
    for (const write of writes) {
      if (write.kind === 'create') creates.push(write.run);
      else if (write.kind === 'finish') finishes.push(toFinishRecord(write));
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
      finishes.length > 0
        ? sql`array(select id from finished) as finished,
            array(select r.id from ${this.#runs} as r join finishing as f on r.id = f.run_id) as known`
        : sql`'{}'::text[] as finished, '{}'::text[] as known`;
    const createdIds = creates.length > 0 ? sql`array(select id from created)` : sql`'{}'::text[]`;
    // set_config(..., true) acts as SET LOCAL on this statement's own transaction.
    const asyncCommit =
      this.#asyncEventCommit && creates.length === 0 && finishes.length === 0
        ? sql`, set_config('synchronous_commit', 'off', true) as async_commit`
        : sql``;
    const stored = [
      ...(events.length > 0 ? ['appended'] : []),
      ...(finishes.length > 0 ? ['terminal'] : []),
    ];
    // Unnamed: the text holds the group's row counts, so it is seldom the same twice.
    const rows = await this.#statements.rows(
      sql<{ finished: string[]; known: string[]; created: string[] }>`
      with ${sql.join(parts)}
      select ${finishedIds}, ${createdIds} as created ${asyncCommit} ${this.#notifyStored(stored)}
    `,
      { serial: true },
    );
    const finished = new Set(rows[0]?.finished ?? []);
    const known = new Set(rows[0]?.known ?? []);
    const created = new Set(rows[0]?.created ?? []);
    return writes.map((write) => {
      if (write.kind === 'create') {
        return created.has(write.runId) ? undefined : new SessionNotFoundError(write.run.sessionId);
      }
      if (write.kind !== 'finish') return undefined;
      if (finished.has(write.runId)) return true;
      return known.has(write.runId) ? false : new RunNotFoundError(write.runId);
    });
  }

  /** A lone write (every write at low concurrency) takes the leaner statement of its own kind. */
  async #alone(write: RunWrite): Promise<WriteResult> {
    if (write.kind === 'create') await this.#createOne(write.run);
    else if (write.kind === 'append') await this.#appendOne(write.runId, write.events);
    else return this.#finishOne(write.runId, write.result, write.terminalEvent);
    return undefined;
  }

  async #createOne(run: NewRunRecord): Promise<void> {
    const created = await this.#statements.count(
      this.#create,
      {
        runId: run.runId,
        sessionId: run.sessionId,
        agentId: run.agentId,
        userId: run.userId,
        input: pgText(run.input),
        factoryInput: pgJson(run.factoryInput),
        model: run.model,
        modelProvider: run.modelProvider,
        createdAt: run.createdAt,
        ownerId: run.lease?.ownerId ?? null,
        leaseExpiresAt: run.lease?.expiresAt ?? null,
      },
      { serial: true },
    );
    if (created === 0) throw new SessionNotFoundError(run.sessionId);
  }

  /** A lone createRun: the session (claimed, see CLAIM_SESSION) and the run in one statement. */
  #createText(a: Slots<CreateArgs>): RawBuilder<never> {
    // The run's foreign key is checked at the end of the statement, when the session row exists.
    // No `returning`: the command's row count says whether the run went in.
    return sql<never>`
      with session as (
        insert into ${this.#sessions} as s (id, agent_id, user_id, name, state, created_at, updated_at)
        values (${a.sessionId}, ${a.agentId}, ${a.userId}, null, '{}', ${a.createdAt}, ${a.createdAt})
        ${CLAIM_SESSION}
      )
      insert into ${this.#runs} (id, session_id, seq, agent_id, user_id, status, input,
        factory_input, content, model, model_provider, metrics, error, created_at, updated_at,
        owner_id, lease_expires_at)
      select ${a.runId}, ${a.sessionId},
        (select coalesce(max(seq), 0) + 1 from ${this.#runs} where session_id = ${a.sessionId}),
        ${a.agentId}, ${a.userId}, 'RUNNING', ${a.input}, ${a.factoryInput}::jsonb,
        null, ${a.model}, ${a.modelProvider}, null, null, ${a.createdAt}, ${a.createdAt},
        ${a.ownerId}, ${a.leaseExpiresAt}::timestamptz
      where not exists (select 1 from session where session.user_id is distinct from ${a.userId})
    `;
  }

  async #appendOne(runId: string, events: readonly RunEvent[]): Promise<void> {
    await this.#statements.fixed(
      this.#append,
      { runId, events: eventsJson(events) },
      { serial: true },
    );
  }

  /** A lone append: a run's events, whatever their number, as one jsonb parameter. */
  #appendText(a: Slots<AppendArgs>): RawBuilder<unknown> {
    // set_config(..., true) acts as SET LOCAL on this statement's own transaction.
    const asyncCommit = this.#asyncEventCommit
      ? sql`, set_config('synchronous_commit', 'off', true) as async_commit`
      : sql``;
    return sql`with ${this.#appended(a)}
        select 1 as stored ${asyncCommit} ${this.#notifyRun(a.runId, ['appended'])}`;
  }

  /** The `appended` CTE: a run's events, one jsonb parameter. An unknown run fails their foreign key. */
  #appended(a: Slots<{ runId: string; events?: string | null }>): RawBuilder<unknown> {
    return sql`appended as (
      insert into ${this.#events} (run_id, seq, name, payload)
      select ${a.runId}, e.seq, e.name, e.payload
      from jsonb_to_recordset(${a.events}::jsonb) as e(seq int, name text, payload jsonb)
      on conflict (run_id, seq) do nothing
      returning run_id, seq
    )`;
  }

  /**
   * One run's last appends and its finish (the shape of every run at low concurrency): the lean
   * statement of a lone finish plus the events, rather than the group statement built for many runs.
   */
  async #eventsThenFinish(
    writes: readonly RunWrite[],
    finish: Extract<RunWrite, { kind: 'finish' }>,
  ): Promise<readonly (Error | WriteResult)[]> {
    const events = writes.flatMap((w) => (w.kind === 'append' ? w.events : []));
    let won: boolean | Error;
    try {
      won = await this.#finishOne(finish.runId, finish.result, finish.terminalEvent, events);
    } catch (error) {
      if (!(error instanceof RunNotFoundError)) throw error;
      won = error;
    }
    return writes.map((w) => (w.kind === 'finish' ? won : undefined));
  }

  async #finishOne(
    runId: string,
    result: RunResult,
    terminalEvent: TerminalRunEvent,
    events: readonly RunEvent[] = [],
  ): Promise<boolean> {
    const args: FinishArgs = {
      ...segmentArgs(runId, result.messages, terminalEvent, result.updatedAt, events),
      status: result.status,
      content: pgText(result.content),
      output: pgJson(result.output ?? null),
      metrics: pgJson(result.metrics),
      error: pgJson(result.error),
    };
    const statement = events.length === 0 ? this.#finish : this.#finishWithEvents;
    return this.#endSegment(runId, statement, args, true);
  }

  /** RUNNING → PAUSED with the pending calls, the lease dropped; not group-committed (rare). */
  pauseRun(runId: string, result: PausedRunResult, event: RunPausedEvent): Promise<boolean> {
    const args = { ...segmentArgs(runId, result.messages, event, result.updatedAt, []) };
    return this.#endSegment(runId, this.#pause, { ...args, pause: pgJson(result.pause) }, false);
  }

  /**
   * Runs an end of a segment: true if it ended the run, false if the run had ended already.
   * `serial`: issued by the group commit (one at a time), not alongside it.
   */
  async #endSegment<A extends SegmentArgs>(
    runId: string,
    statement: FixedStatement<A, SegmentResult>,
    args: A,
    serial: boolean,
  ): Promise<boolean> {
    const [row] = await this.#statements.fixed(statement, args, { serial });
    if (row?.outcome === 'won') return true;
    if (row?.outcome !== 'ended') throw new RunNotFoundError(runId);
    return false;
  }

  /**
   * One statement that ends a run's segment: `update` (a CTE returning the run's id and session
   * when it applies) decides; then the event, the run's messages and the session's activity. With
   * `withEvents`, the run's last appends (stored whether or not the update applies) ride along.
   * A concurrent finish holds the row lock; once it commits, the status check sees its status.
   */
  #segmentText(
    a: Slots<SegmentArgs>,
    update: RawBuilder<unknown>,
    withEvents: boolean,
  ): RawBuilder<SegmentResult> {
    // An unknown run fails the events' foreign key: the group commit then retries write by write.
    const appended = withEvents ? sql`${this.#appended(a)}, ` : sql``;
    // Upsert then trim rather than delete then insert: one statement cannot do both to one key.
    return sql<SegmentResult>`
      with ${appended}run as (${update}), terminal as (
        insert into ${this.#events} (run_id, seq, name, payload)
        select run.id, ${a.eventSeq}::int, ${a.eventName}, ${a.event}::jsonb
        from run
        on conflict (run_id, seq) do nothing
        returning run_id, seq
      ), upserted as (
        insert into ${this.#messages} (run_id, seq, session_id, role, content, tool_calls,
          tool_call_id, tool_name, is_error, attachments)
        select run.id, m.seq, run.session_id, m.role, m.content, m.tool_calls, m.tool_call_id,
          m.tool_name, m.is_error, m.attachments
        from run cross join jsonb_to_recordset(${a.messages}::jsonb)
          as m(seq int, role text, content text, tool_calls jsonb, tool_call_id text,
            tool_name text, is_error boolean, attachments jsonb)
        on conflict (run_id, seq) do update set session_id = excluded.session_id,
          role = excluded.role, content = excluded.content, tool_calls = excluded.tool_calls,
          tool_call_id = excluded.tool_call_id, tool_name = excluded.tool_name,
          is_error = excluded.is_error, attachments = excluded.attachments
      ), trimmed as (
        delete from ${this.#messages}
        where run_id = (select id from run) and seq > ${a.messageCount}
      ), session as (
        update ${this.#sessions} set updated_at = ${a.updatedAt}
        where id = (select session_id from run)
      )
      select case when exists (select 1 from run) then 'won'
          when exists (select 1 from ${this.#runs} where id = ${a.runId}) then 'ended'
          else 'unknown' end as outcome
        ${this.#notifyRun(a.runId, withEvents ? ['appended', 'terminal'] : ['terminal'])}
    `;
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
      owner_id: run.lease?.ownerId ?? null,
      lease_expires_at: run.lease?.expiresAt ?? null,
    }));
    // A run's foreign key is checked at the end of the statement, when its session row exists.
    // Each `limit` tells the planner the real row count (it assumes 100), so it keeps to indexes.
    // Runs of one session created together get consecutive seqs, in the order they were submitted.
    return [
      sql`new_runs as (
        select * from jsonb_to_recordset(${pgJson(records)}::jsonb) as r(ord int, id text,
          session_id text, agent_id text, user_id text, input text, factory_input jsonb,
          model text, model_provider text, created_at timestamptz, owner_id text,
          lease_expires_at timestamptz)
        limit ${sql.lit(records.length)}
      )`,
      sql`claims as (
        select distinct on (session_id) session_id, agent_id, user_id, created_at
        from new_runs order by session_id, ord
      )`,
      sql`new_sessions as (
        insert into ${this.#sessions} as s (id, agent_id, user_id, name, state, created_at,
          updated_at)
        select session_id, agent_id, user_id, null, '{}', created_at, created_at from claims
        ${CLAIM_SESSION}
      )`,
      // A session not returned already belonged to its claimant (the group's first run in it).
      sql`created as (
        insert into ${this.#runs} (id, session_id, seq, agent_id, user_id, status, input,
          factory_input, content, model, model_provider, metrics, error, created_at, updated_at,
          owner_id, lease_expires_at)
        select n.id, n.session_id,
          coalesce((select max(prior.seq) from ${this.#runs} as prior
            where prior.session_id = n.session_id), 0)
            + row_number() over (partition by n.session_id order by n.ord),
          n.agent_id, n.user_id, 'RUNNING', n.input, n.factory_input, null, n.model,
          n.model_provider, null, null, n.created_at, n.created_at, n.owner_id, n.lease_expires_at
        from new_runs as n
        join claims as c on c.session_id = n.session_id
        left join new_sessions as owner on owner.id = n.session_id
        where n.user_id is not distinct from
          (case when owner.id is null then c.user_id else owner.user_id end)
        returning id
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
      limit ${sql.lit(events.length)}
      on conflict (run_id, seq) do nothing
      returning run_id, seq
    )`;
  }

  /**
   * A select-list column that NOTIFYs, per run, the highest seq the named CTEs stored: delivered at
   * commit, so a watcher woken by it finds the rows. Watchers re-read the table; the seq is a hint.
   */
  #notifyStored(ctes: readonly string[]): RawBuilder<unknown> {
    if (this.#channel === undefined || ctes.length === 0) return sql``;
    const stored = sql.join(
      ctes.map((cte) => sql`select run_id, seq from ${sql.table(cte)}`),
      sql` union all `,
    );
    return sql`, (select count(pg_notify(${this.#channel}, 'e ' || n.seq || ' ' || n.run_id))
      from (select run_id, max(seq) as seq from (${stored}) as s group by run_id) as n) as notified`;
  }

  /**
   * `#notifyStored` for a statement of one run: its id is known, so no grouping (a hash aggregate)
   * is needed to find it. NOTIFYs the highest seq the named CTEs stored, if they stored any.
   */
  #notifyRun(runId: unknown, ctes: readonly string[]): RawBuilder<unknown> {
    if (this.#channel === undefined || ctes.length === 0) return sql``;
    const stored = sql.join(
      ctes.map((cte) => sql`select seq from ${sql.table(cte)}`),
      sql` union all `,
    );
    return sql`, (select count(pg_notify(${this.#channel}, 'e ' || n.seq || ' ' || ${runId}))
      from (select max(seq) as seq from (${stored}) as s) as n where n.seq is not null) as notified`;
  }

  #finishParts(finishes: readonly ReturnType<typeof toFinishRecord>[]): RawBuilder<unknown>[] {
    // Upsert then trim rather than delete then insert: one statement cannot do both to one key.
    return [
      sql`finishing as (
        select * from jsonb_to_recordset(${pgJson(finishes)}::jsonb) as f(run_id text,
          status text, content text, output jsonb, metrics jsonb, error jsonb, updated_at timestamptz,
          messages jsonb, message_count int, terminal_event jsonb)
        limit ${sql.lit(finishes.length)}
      )`,
      sql`finished as (
        update ${this.#runs} as run
        set status = f.status, content = f.content, output = f.output, metrics = f.metrics,
          error = f.error,
          updated_at = f.updated_at
        from finishing as f
        where run.id = f.run_id and run.status ${NOT_ENDED}
        returning run.id, run.session_id, f.messages, f.message_count, f.updated_at,
          f.terminal_event
      )`,
      sql`terminal as (
        insert into ${this.#events} (run_id, seq, name, payload)
        select fd.id, (fd.terminal_event->>'seq')::int, fd.terminal_event->>'event',
          fd.terminal_event
        from finished as fd
        on conflict (run_id, seq) do nothing
        returning run_id, seq
      )`,
      sql`upserted as (
        insert into ${this.#messages} (run_id, seq, session_id, role, content, tool_calls,
          tool_call_id, tool_name, is_error, attachments)
        select fd.id, m.seq, fd.session_id, m.role, m.content, m.tool_calls, m.tool_call_id,
          m.tool_name, m.is_error, m.attachments
        from finished as fd cross join lateral jsonb_to_recordset(fd.messages)
          as m(seq int, role text, content text, tool_calls jsonb, tool_call_id text,
            tool_name text, is_error boolean, attachments jsonb)
        on conflict (run_id, seq) do update set session_id = excluded.session_id,
          role = excluded.role, content = excluded.content, tool_calls = excluded.tool_calls,
          tool_call_id = excluded.tool_call_id, tool_name = excluded.tool_name,
          is_error = excluded.is_error, attachments = excluded.attachments
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

/** The arguments every end of a segment binds. */
function segmentArgs(
  runId: string,
  messages: readonly Message[],
  event: RunEvent,
  updatedAt: Date,
  events: readonly RunEvent[],
): SegmentArgs {
  return {
    runId,
    eventSeq: event.seq,
    eventName: event.event,
    event: pgJson(event),
    messages: pgJson(messages.map(toRecord)),
    messageCount: messages.length,
    updatedAt,
    events: events.length === 0 ? null : eventsJson(events),
  };
}

/** A run's events as the jsonb text the `appended` CTE reads. */
function eventsJson(events: readonly RunEvent[]): string | null {
  return pgJson(events.map((e) => ({ seq: e.seq, name: e.event, payload: e })));
}

/** One finishRun as a jsonb_to_recordset record, its messages nested as records of their own. */
function toFinishRecord({ runId, result, terminalEvent }: Extract<RunWrite, { kind: 'finish' }>) {
  return {
    run_id: runId,
    terminal_event: terminalEvent,
    status: result.status,
    content: result.content,
    output: result.output ?? null,
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
    attachments: message.role === 'user' ? (message.attachments ?? null) : null,
  };
}
