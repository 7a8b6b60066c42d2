/** One write of a group; the group commit only needs to know which run it belongs to. */
export interface GroupWrite {
  readonly runId: string;
}

/**
 * Commits writes together in one statement (so one round trip and one commit) and reports, per
 * write, an error that concerns it alone (e.g. an unknown run), or undefined. Throws if the
 * statement as a whole failed: the group commit then retries its writes one by one.
 */
export type CommitGroup<W extends GroupWrite> = (
  writes: readonly W[],
) => Promise<readonly (Error | undefined)[]>;

interface Pending<W> {
  readonly write: W;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

// Bounds one statement's size (and the locks its transaction holds) under a burst of writes.
const MAX_GROUP = 256;

/**
 * Group commit for PostgreSQL: one group in flight at a time, and every write submitted meanwhile
 * goes out together in the next one, so N concurrent runs pay one round trip and one commit (one
 * WAL flush) per group instead of one per write. A group holds at most one write per run, so a
 * run's writes commit in the order they were submitted. If a group fails, its writes are retried
 * one by one, so only the failing write's caller sees an error. A caller's promise settles once
 * its write is committed, or has failed.
 */
export class PostgresGroupCommit<W extends GroupWrite> {
  readonly #commit: CommitGroup<W>;
  #queue: Pending<W>[] = [];
  #draining = false;

  constructor(commit: CommitGroup<W>) {
    this.#commit = commit;
  }

  submit(write: W): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      if (this.#draining) return;
      this.#draining = true;
      // A microtask, not a turn of the event loop: writes issued together (e.g. Promise.all) share
      // the first group, and a lone write (low concurrency) leaves without waiting.
      queueMicrotask(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = this.#nextGroup();
        if (group.length === 1) await this.#settle(group);
        else if (!(await this.#settle(group)))
          await Promise.all(group.map((p) => this.#settle([p])));
      }
    } finally {
      this.#draining = false;
    }
  }

  /** The oldest write of each run, up to MAX_GROUP; a run's later writes wait for a later group. */
  #nextGroup(): Pending<W>[] {
    const runs = new Set<string>();
    const group: Pending<W>[] = [];
    const rest: Pending<W>[] = [];
    for (const pending of this.#queue) {
      if (group.length < MAX_GROUP && !runs.has(pending.write.runId)) {
        runs.add(pending.write.runId);
        group.push(pending);
      } else {
        rest.push(pending);
      }
    }
    this.#queue = rest;
    return group;
  }

  /**
   * Commits the group and settles each write with its outcome; never rejects. A failed group of
   * several is left unsettled (false) for the caller to retry write by write.
   */
  async #settle(group: readonly Pending<W>[]): Promise<boolean> {
    let outcomes: readonly (Error | undefined)[];
    try {
      outcomes = await this.#commit(group.map((pending) => pending.write));
    } catch (error) {
      if (group.length > 1) return false;
      for (const pending of group) pending.reject(error);
      return true;
    }
    for (const [index, pending] of group.entries()) {
      const failure = outcomes[index];
      if (failure) pending.reject(failure);
      else pending.resolve();
    }
    return true;
  }
}
