import type { NativeSqlite, NativeStatement } from './sqliteNative.ts';

export interface BatchInsertShape {
  /** `insert into t (a, b)`: everything before `values` (an `update … from (` takes a values list too). */
  readonly into: string;
  /** Columns per row, i.e. `?` per row tuple. */
  readonly columns: number;
  /** After the rows, e.g. `on conflict (run_id, seq) do nothing`; empty for none. */
  readonly tail?: string;
  /** Rows per statement at most; longer batches take several (bound parameters stay well under SQLite's limit). */
  readonly maxRows: number;
}

/**
 * A multi-row INSERT, prepared once per row count on first use: a batch of n rows costs one
 * statement execution instead of n (each execution has a fixed cost in better-sqlite3 and SQLite
 * of a few µs, the same order as inserting a small row).
 */
export class BatchInsert {
  readonly #db: NativeSqlite;
  readonly #shape: BatchInsertShape;
  readonly #tuple: string;
  readonly #byRows: (NativeStatement | undefined)[] = [];
  #deferred: unknown[] = [];

  constructor(db: NativeSqlite, shape: BatchInsertShape) {
    this.#db = db;
    this.#shape = shape;
    this.#tuple = `(${Array.from({ length: shape.columns }, () => '?').join(', ')})`;
  }

  /** `values` holds the rows' values one after the other, `columns` per row. */
  run(values: readonly unknown[]): void {
    const { columns, maxRows } = this.#shape;
    const rows = values.length / columns;
    if (rows <= maxRows) {
      if (rows > 0) this.#statement(rows).run(values);
      return;
    }
    for (let start = 0; start < rows; start += maxRows) {
      const end = Math.min(rows, start + maxRows);
      this.#statement(end - start).run(values.slice(start * columns, end * columns));
    }
  }

  /** Keeps rows for `runDeferred()`: the rows of a whole transaction go in as few statements as possible. */
  defer(values: readonly unknown[]): void {
    for (const value of values) this.#deferred.push(value);
  }

  /** Inserts the rows kept by `defer()` (in the order they came), then forgets them. */
  runDeferred(): void {
    const values = this.#deferred;
    this.#deferred = [];
    this.run(values);
  }

  /** Forgets the rows kept by `defer()`: their transaction rolled back. */
  dropDeferred(): void {
    this.#deferred = [];
  }

  #statement(rows: number): NativeStatement {
    let statement = this.#byRows[rows];
    if (!statement) {
      const tuples = Array.from({ length: rows }, () => this.#tuple).join(', ');
      const tail = this.#shape.tail ? ` ${this.#shape.tail}` : '';
      statement = this.#db.prepare(`${this.#shape.into} values ${tuples}${tail}`);
      this.#byRows[rows] = statement;
    }
    return statement;
  }
}
