interface Pending {
  readonly write: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for synchronous SQLite writes: writes submitted in the same turn of the event loop
 * share one transaction, so sixteen concurrent runs pay for one commit instead of sixteen. Each
 * write runs in a savepoint of its own (a nested better-sqlite3 transaction), so one failing write
 * rolls back alone and only its caller sees the error. A caller's promise settles after the commit.
 */
export class GroupCommit {
  readonly #commitAll: (
    batch: readonly Pending[],
    values: Map<Pending, unknown>,
    failures: Map<Pending, unknown>,
  ) => void;
  #queue: Pending[] = [];
  #scheduled = false;

  /** `transaction` wraps a function in BEGIN/COMMIT, as better-sqlite3's `db.transaction` does. */
  constructor(
    transaction: <TArgs extends unknown[]>(
      fn: (...args: TArgs) => void,
    ) => (...args: TArgs) => void,
  ) {
    this.#commitAll = transaction(
      (
        batch: readonly Pending[],
        values: Map<Pending, unknown>,
        failures: Map<Pending, unknown>,
      ) => {
        for (const pending of batch) {
          try {
            values.set(pending, pending.write());
          } catch (error) {
            failures.set(pending, error);
          }
        }
      },
    );
  }

  /** `write` must itself be a transaction function: nested in the group's, it becomes a savepoint. */
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
    if (batch.length === 1) {
      const [only] = batch as [Pending];
      try {
        only.resolve(only.write());
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    const values = new Map<Pending, unknown>();
    const failures = new Map<Pending, unknown>();
    try {
      this.#commitAll(batch, values, failures);
    } catch (error) {
      for (const pending of batch) pending.reject(error); // the commit itself failed
      return;
    }
    for (const pending of batch) {
      if (failures.has(pending)) pending.reject(failures.get(pending));
      else pending.resolve(values.get(pending));
    }
  }
}
