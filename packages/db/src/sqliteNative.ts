/** The slice of better-sqlite3's API the SQLite writer uses. */
export interface NativeSqlite {
  prepare(source: string): NativeStatement;
  transaction<TArgs extends unknown[], TResult>(
    fn: (...args: TArgs) => TResult,
  ): (...args: TArgs) => TResult;
}

/** A prepared statement; an array argument binds its items to the `?`s in order. */
export interface NativeStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
}
