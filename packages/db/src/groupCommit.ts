interface Pending {
  readonly write: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Transaction = <TArgs extends unknown[], TResult>(
  fn: (...args: TArgs) => TResult,
) => (...args: TArgs) => TResult;

/**
 * Group commit for synchronous SQLite writes: writes submitted in the same turn of the event loop
 * share one transaction, so sixteen concurrent runs pay for one commit instead of sixteen, and no
 * savepoint per write. If any write of a group throws, the group rolls back and each write is
 * retried in a transaction of its own, so only the failing write's caller sees the error (writes
 * are plain functions of their arguments: running one again after a rollback is safe). A caller's
 * promise settles after the commit, with what its write returned.
 */
export class GroupCommit {
  readonly #commitAll: (batch: readonly Pending[]) => unknown[];
  readonly #commitOne: (write: () => unknown) => unknown;
  #queue: Pending[] = [];
  #scheduled = false;

  /** `transaction` wraps a function in BEGIN/COMMIT, as better-sqlite3's `db.transaction` does. */
  constructor(transaction: Transaction) {
    this.#commitAll = transaction((batch: readonly Pending[]) => batch.map((p) => p.write()));
    this.#commitOne = transaction((write: () => unknown) => write());
  }

  /** `write` runs inside the group's transaction; it must not open one of its own. */
  submit<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length > 1) {
      let values: unknown[] | undefined;
      try {
        values = this.#commitAll(batch);
      } catch {
        // Rolled back as a whole: find the failing write(s) by committing each on its own.
      }
      if (values) {
        for (const [index, pending] of batch.entries()) pending.resolve(values[index]);
        return;
      }
    }
    for (const pending of batch) {
      try {
        pending.resolve(this.#commitOne(pending.write));
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
