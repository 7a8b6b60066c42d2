import { type RawBuilder, sql } from 'kysely';
import {
  MESSAGE_COLUMNS,
  RUN_COLUMNS,
  RUN_EVENT_COLUMNS,
  type StoredDate,
  type StoredJson,
} from './storedTables.ts';

/** One session fork as the writers take it: the source already read, the new run ids minted. */
export interface ForkWrite {
  readonly session: {
    readonly id: string;
    readonly agentId: string;
    readonly userId: string | null;
    readonly name: string | null;
    /** JSON text. */
    readonly state: StoredJson;
    /** Encoded for the dialect. */
    readonly createdAt: StoredDate;
    readonly forkedFromSessionId: string;
  };
  /** [source run id, copy's run id], oldest run first. */
  readonly runIds: readonly (readonly [string, string])[];
}

export interface ForkDialect {
  /** A table name, schema-qualified where the dialect needs it. */
  table(name: string): RawBuilder<unknown>;
  /** The copied event's payload: `e.payload` with its `runId` and `sessionId` replaced, or left out. */
  repointPayload(runId: RawBuilder<unknown>, sessionId: string): RawBuilder<unknown>;
}

export const sqliteForkDialect: ForkDialect = {
  table: (name) => sql.table(name),
  // SQLite's payloads leave the run's ids to the run row (`eventPayload`); a row from before keeps
  // the source's ids, so they go as well.
  repointPayload: () => sql`json_remove(e.payload, '$.agentId', '$.runId', '$.sessionId')`,
};

export function postgresForkDialect(schema: string | undefined): ForkDialect {
  return {
    table: (name) => sql.table(schema === undefined ? name : `${schema}.${name}`),
    repointPayload: (runId, sessionId) =>
      sql`e.payload || jsonb_build_object('runId', ${runId}, 'sessionId', ${text(sessionId)})`,
  };
}

// Keeps each VALUES list well under SQLite's and PostgreSQL's bound-parameter limits.
const RUN_CHUNK = 400;

/**
 * The statements of a fork, in order, for one transaction. The first inserts the session and
 * changes no row when its id is taken (then nothing else may run); the others copy the runs, their
 * events and messages inside the database, joined to a VALUES list of (old id, new id).
 */
export function forkStatements(fork: ForkWrite, dialect: ForkDialect): RawBuilder<unknown>[] {
  const { session } = fork;
  const statements: RawBuilder<unknown>[] = [
    sql`insert into ${dialect.table('agentmint_sessions')}
          (id, agent_id, user_id, name, state, created_at, updated_at, forked_from_session_id)
        values (${session.id}, ${session.agentId}, ${session.userId}, ${session.name},
          ${session.state}, ${session.createdAt}, ${session.createdAt}, ${session.forkedFromSessionId})
        on conflict (id) do nothing`,
  ];
  const newSession = text(session.id);
  for (let start = 0; start < fork.runIds.length; start += RUN_CHUNK) {
    const pairs = fork.runIds.slice(start, start + RUN_CHUNK);
    const ids = sql`(values ${sql.join(pairs.map(([from, to]) => sql`(${text(from)}, ${text(to)})`))}) as ids`;
    const newRun = sql`ids.column2`;
    statements.push(
      copy(dialect.table('agentmint_runs'), RUN_COLUMNS, 'r', ids, sql`ids.column1 = r.id`, {
        id: newRun,
        session_id: newSession,
        owner_id: sql`null`,
        lease_expires_at: sql`null`,
      }),
      copy(
        dialect.table('agentmint_run_events'),
        RUN_EVENT_COLUMNS,
        'e',
        ids,
        sql`ids.column1 = e.run_id`,
        { run_id: newRun, payload: dialect.repointPayload(newRun, session.id) },
      ),
      copy(
        dialect.table('agentmint_messages'),
        MESSAGE_COLUMNS,
        'msg',
        ids,
        sql`ids.column1 = msg.run_id`,
        {
          run_id: newRun,
          session_id: newSession,
        },
      ),
    );
  }
  return statements;
}

/** `insert into T (cols) select <col or its replacement> from T alias join ids on …`. */
function copy<TColumn extends string>(
  table: RawBuilder<unknown>,
  columns: readonly TColumn[],
  alias: string,
  ids: RawBuilder<unknown>,
  on: RawBuilder<unknown>,
  replaced: Partial<Record<TColumn, RawBuilder<unknown>>>,
): RawBuilder<unknown> {
  const values = columns.map((column) => replaced[column] ?? sql.ref(`${alias}.${column}`));
  return sql`insert into ${table} (${sql.join(columns.map((column) => sql.ref(column)))})
    select ${sql.join(values)} from ${table} as ${sql.id(alias)} join ${ids} on ${on}`;
}

/** A bound text parameter both dialects can type in a select list. */
function text(value: string): RawBuilder<unknown> {
  return sql`cast(${value} as text)`;
}
