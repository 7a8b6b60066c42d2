import { PostgresDb } from '@agentmint/db';
import { type Kysely, sql } from 'kysely';

/** One run row as the database holds it, with its stored events summarised. */
export interface RunRow {
  readonly id: string;
  readonly status: string;
  readonly userId: string | null;
  readonly errorCode: string | null;
  readonly events: number;
  readonly maxSeq: number;
  readonly lastEvent: string | null;
}

export const TERMINAL_EVENT: Readonly<Record<string, string>> = {
  COMPLETED: 'RunCompleted',
  ERROR: 'RunError',
  CANCELLED: 'RunCancelled',
};

/**
 * Reads what a PostgreSQL database really holds, over a connection of its own (the server under
 * test may be mid-outage or closed): every run row with its event count, last seq and last event.
 */
export class RunLedger {
  readonly #store: PostgresDb;
  readonly #schema: string[];

  /** `schema`: the one the server under test uses, when not the default. */
  constructor(dbUrl: string, schema?: string) {
    this.#store = new PostgresDb({
      dbUrl,
      migrate: false,
      pool: { min: 0, max: 2 },
      ...(schema !== undefined && { schema }),
    });
    this.#schema = schema === undefined ? [] : [schema];
  }

  async #db(): Promise<Kysely<unknown>> {
    await this.#store.init();
    const orm = this.#store.orm;
    if (!orm) throw new Error('PostgresDb did not open');
    return orm.em.getKysely() as unknown as Kysely<unknown>;
  }

  async runs(): Promise<RunRow[]> {
    const db = await this.#db();
    const runs = sql.id(...this.#schema, 'agentmint_runs');
    const events = sql.id(...this.#schema, 'agentmint_run_events');
    const { rows } = await sql<{
      id: string;
      status: string;
      user_id: string | null;
      error_code: string | null;
      events: string | number;
      max_seq: number | null;
      last_event: string | null;
    }>`
      select r.id, r.status, r.user_id, r.error->>'code' as error_code,
             count(e.seq) as events, max(e.seq) as max_seq,
             (select e2.name from ${events} e2
               where e2.run_id = r.id order by e2.seq desc limit 1) as last_event
        from ${runs} r left join ${events} e on e.run_id = r.id
       group by r.id`.execute(db);
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      userId: row.user_id,
      errorCode: row.error_code,
      events: Number(row.events),
      maxSeq: row.max_seq ?? 0,
      lastEvent: row.last_event,
    }));
  }

  async byId(): Promise<Map<string, RunRow>> {
    return new Map((await this.runs()).map((row) => [row.id, row]));
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

/**
 * What "nothing lost" means for one accepted run: exactly one row, a terminal status, and every
 * event 1..n stored with the matching terminal event last. Returns the problem, or undefined.
 */
export function runProblem(runId: string, row: RunRow | undefined): string | undefined {
  if (!row) return `run ${runId}: no row`;
  const terminal = TERMINAL_EVENT[row.status];
  if (!terminal) return `run ${runId}: status ${row.status}`;
  if (row.events !== row.maxSeq)
    return `run ${runId}: ${row.events} events but last seq ${row.maxSeq}`;
  if (row.events < 2) return `run ${runId}: only ${row.events} events`;
  if (row.lastEvent !== terminal)
    return `run ${runId}: ${row.status} but last event ${row.lastEvent}`;
  return undefined;
}
