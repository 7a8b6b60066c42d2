import { CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { FixedStatement } from './postgresFixedStatement.ts';
import type { StoredTables } from './storedTables.ts';

/** A statement's outcome: its rows, and how many rows an insert, update or delete wrote. */
interface Outcome<R> {
  readonly rows: R[];
  readonly count: number;
}

/**
 * Runs the run writer's statements. A fixed text goes out named (`prepared`): parsed, analysed and
 * planned once per connection, then only bound and executed, which is about half of a lone write's
 * round trip for the writer's large CTE statements. Unnamed: through Kysely, parsed and planned on
 * every call, for poolers that cannot keep a prepared statement on the connection that prepared it
 * (PgBouncer in transaction mode before 1.21), and for texts built per call.
 *
 * The group commit has one statement in flight at a time (but for a failed group's retries), so its
 * statements (`serial`) share one connection kept checked out of the pool: no checkout and release
 * per write (~30–40 µs of CPU each, an idle timer included). A statement that fails gives that
 * connection back (the pool drops it if it broke) and the next one checks out another.
 */
export class PostgresStatements {
  readonly #db: Kysely<StoredTables>;
  readonly #pool: pg.Pool | undefined;
  #kept: KeptConnection | undefined;
  /** The serial statement in flight (at most one), so `release` gives the connection back idle. */
  #inFlight: Promise<unknown> | undefined;
  #released = false;

  /** `pool`: the pool behind `db`, to run named statements on; none: every statement unnamed. */
  constructor(db: Kysely<StoredTables>, pool: pg.Pool | undefined) {
    this.#db = db;
    this.#pool = pool;
  }

  /**
   * A text built for this call (a group's statement, holding its row counts): unnamed, never
   * prepared. `serial` as for `fixed`.
   */
  async rows<R>(statement: RawBuilder<R>, options: { serial: boolean }): Promise<R[]> {
    if (this.#pool === undefined) return (await statement.execute(this.#db)).rows;
    const { sql: text, parameters } = statement.compile(this.#db);
    const query = { text, values: parameters as unknown[] };
    return (await this.#send<R>(this.#pool, query, options.serial)).rows;
  }

  /**
   * A fixed text with this call's arguments: named, so prepared once per connection. `serial`:
   * the caller never has two in flight (the group commit), so it runs on the kept connection.
   */
  async fixed<A extends object, R>(
    statement: FixedStatement<A, R>,
    args: A,
    options: { serial: boolean },
  ): Promise<R[]> {
    return (await this.#execute(statement, args, options.serial)).rows;
  }

  /** A fixed insert, update or delete without `returning`: how many rows it wrote. */
  async count<A extends object>(
    statement: FixedStatement<A, unknown>,
    args: A,
    options: { serial: boolean },
  ): Promise<number> {
    return (await this.#execute(statement, args, options.serial)).count;
  }

  /** Gives the kept connection back once its statement is done; later statements use the pool. */
  async release(): Promise<void> {
    this.#released = true;
    const kept = this.#kept;
    this.#kept = undefined;
    await this.#inFlight?.catch(() => {});
    kept?.giveBack();
  }

  async #execute<A extends object, R>(
    statement: FixedStatement<A, R>,
    args: A,
    serial: boolean,
  ): Promise<Outcome<R>> {
    const values = statement.values(args);
    if (this.#pool === undefined) {
      const result = await this.#db.executeQuery<R>(CompiledQuery.raw(statement.text, values));
      return { rows: result.rows, count: Number(result.numAffectedRows ?? 0n) };
    }
    const query = { name: statement.name, text: statement.text, values };
    return this.#send<R>(this.#pool, query, serial);
  }

  async #send<R>(pool: pg.Pool, query: pg.QueryConfig, serial: boolean): Promise<Outcome<R>> {
    // A second statement while one runs (a failed group's writes retried together) takes the pool.
    if (!serial || this.#released || this.#inFlight !== undefined) {
      return outcomeOf(await pool.query<R & pg.QueryResultRow>(query));
    }
    const work = this.#onKept<R>(pool, query);
    this.#inFlight = work;
    try {
      return await work;
    } finally {
      if (this.#inFlight === work) this.#inFlight = undefined;
    }
  }

  async #onKept<R>(pool: pg.Pool, query: pg.QueryConfig): Promise<Outcome<R>> {
    if (this.#kept === undefined) {
      const kept: KeptConnection = new KeptConnection(pool, () => this.#drop(kept));
      this.#kept = kept;
    }
    const kept = this.#kept;
    try {
      const client = await kept.client;
      return outcomeOf(await client.query<R & pg.QueryResultRow>(query));
    } catch (error) {
      // Mostly the statement's own failure (an unknown run); a broken connection the pool drops.
      this.#drop(kept);
      throw error;
    }
  }

  /** The next serial statement checks out a connection of its own. */
  #drop(kept: KeptConnection): void {
    if (this.#kept === kept) this.#kept = undefined;
    kept.giveBack();
  }
}

/** One connection checked out of the pool until it is given back, once. */
class KeptConnection {
  readonly client: Promise<pg.PoolClient>;
  #returned = false;

  /** `lost`: its connection failed while checked out (the pool does not listen to it then). */
  constructor(pool: pg.Pool, lost: () => void) {
    this.client = pool.connect().then((client) => {
      client.on('error', lost);
      this.#detach = () => client.off('error', lost);
      return client;
    });
  }

  #detach: () => void = () => {};

  giveBack(): void {
    if (this.#returned) return;
    this.#returned = true;
    this.client.then(
      (client) => {
        this.#detach();
        client.release(); // back to the pool, which drops it if it broke
      },
      () => {}, // never checked out: nothing to give back
    );
  }
}

function outcomeOf<R extends pg.QueryResultRow>(result: pg.QueryResult<R>): Outcome<R> {
  return { rows: result.rows, count: result.rowCount ?? 0 };
}
