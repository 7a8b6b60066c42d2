import { CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { FixedStatement } from './postgresFixedStatement.ts';
import type { StoredTables } from './storedTables.ts';

/**
 * Runs the run writer's statements. A fixed text goes out named (`prepared`): parsed, analysed and
 * planned once per pooled connection, then only bound and executed, which is about half of a lone
 * write's round trip for the writer's large CTE statements. Unnamed: through Kysely, parsed and
 * planned on every call, for poolers that cannot keep a prepared statement on the connection that
 * prepared it (PgBouncer in transaction mode before 1.21), and for texts built per call.
 */
export class PostgresStatements {
  readonly #db: Kysely<StoredTables>;
  readonly #pool: pg.Pool | undefined;

  /** `pool`: the pool behind `db`, to run named statements on; none: every statement unnamed. */
  constructor(db: Kysely<StoredTables>, pool: pg.Pool | undefined) {
    this.#db = db;
    this.#pool = pool;
  }

  /** A text built for this call (e.g. holding a group's row counts): unnamed, never prepared. */
  async rows<R>(statement: RawBuilder<R>): Promise<R[]> {
    return (await statement.execute(this.#db)).rows;
  }

  /** A fixed text with this call's arguments: named, so prepared once per connection. */
  async fixed<A extends object, R>(statement: FixedStatement<A, R>, args: A): Promise<R[]> {
    return (await this.#execute(statement, args)).rows;
  }

  /** A fixed insert, update or delete without `returning`: how many rows it wrote. */
  async count<A extends object>(statement: FixedStatement<A, unknown>, args: A): Promise<number> {
    return (await this.#execute(statement, args)).count;
  }

  async #execute<A extends object, R>(
    statement: FixedStatement<A, R>,
    args: A,
  ): Promise<{ rows: R[]; count: number }> {
    const values = statement.values(args);
    if (this.#pool === undefined) {
      const result = await this.#db.executeQuery<R>(CompiledQuery.raw(statement.text, values));
      return { rows: result.rows, count: Number(result.numAffectedRows ?? 0n) };
    }
    const result = await this.#pool.query<R & pg.QueryResultRow>({
      name: statement.name,
      text: statement.text,
      values,
    });
    return { rows: result.rows, count: result.rowCount ?? 0 };
  }
}
