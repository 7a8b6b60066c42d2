import { createHash } from 'node:crypto';
import type { Kysely, RawBuilder } from 'kysely';
import type pg from 'pg';
import type { StoredTables } from './storedTables.ts';

/**
 * Runs the run writer's statements. Named (`prepared`): each distinct text is parsed, analysed and
 * planned once per pooled connection, then only bound and executed, which is about half of a lone
 * write's round trip for the writer's large CTE statements. Unnamed: through Kysely, parsed and
 * planned on every call, for poolers that cannot keep a prepared statement on the connection that
 * prepared it (PgBouncer in transaction mode before 1.21).
 */
export class PostgresStatements {
  readonly #db: Kysely<StoredTables>;
  readonly #pool: pg.Pool | undefined;
  /** Text → name; small, since only fixed texts are named. A lookup is cheaper than a hash. */
  readonly #names = new Map<string, string>();

  /** `pool`: the pool behind `db`, to run named statements on; none: every statement unnamed. */
  constructor(db: Kysely<StoredTables>, pool: pg.Pool | undefined) {
    this.#db = db;
    this.#pool = pool;
  }

  /**
   * `named` only for a text taken from a small fixed set (no row counts in it): a connection keeps
   * every statement it prepared until it closes.
   */
  async rows<R>(statement: RawBuilder<R>, options: { named: boolean }): Promise<R[]> {
    if (this.#pool === undefined || !options.named) {
      return (await statement.execute(this.#db)).rows;
    }
    const { sql: text, parameters } = statement.compile(this.#db);
    const result = await this.#pool.query<R & pg.QueryResultRow>({
      name: this.#nameOf(text),
      text,
      values: parameters as unknown[],
    });
    return result.rows;
  }

  #nameOf(text: string): string {
    let name = this.#names.get(text);
    if (name === undefined) {
      name = statementName(text);
      this.#names.set(text, name);
    }
    return name;
  }
}

/** A name per text: the same text shares its prepared statement, another text never collides. */
function statementName(text: string): string {
  return `agentmint_${createHash('sha1').update(text).digest('base64url')}`;
}
