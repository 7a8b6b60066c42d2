/** One write of a group; the group commit only needs to know which run it belongs to. */
export interface GroupWrite {
  readonly runId: string;
}

/**
 * Commits writes together in one statement (so one round trip and one commit) and reports, per
 * write, an error that concerns it alone (e.g. an unknown run) or the write's result. Throws if
 * the statement as a whole failed: the group commit then retries its writes one by one.
 */
export type CommitGroup<W extends GroupWrite, R> = (
  writes: readonly W[],
) => Promise<readonly (Error | R)[]>;

interface Pending<W, R> {
  readonly write: W;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

// Bounds one statement's size (and the locks its transaction holds) under a burst of writes.
const MAX_GROUP = 256;

/**
 * Group commit for PostgreSQL: one group in flight at a time, and every write submitted meanwhile
 * goes out together in the next one, so N concurrent runs pay one round trip and one commit (one
 * WAL flush) per group instead of one per write. A group holds one write per run (or a few its
 * statement applies in order, see `canFollow`), so a run's writes commit in the order submitted. If a group fails, its writes are retried
 * one by one, so only the failing write's caller sees an error. A caller's promise settles once
 * its write is committed, or has failed.
 */
export class PostgresGroupCommit<W extends GroupWrite, R> {
  readonly #commit: CommitGroup<W, R>;
  readonly #canFollow: (earlier: W, later: W) => boolean;
  readonly #canWait: (write: W) => boolean;
  #queue: Pending<W, R>[] = [];
  #draining = false;
  #deferred: NodeJS.Immediate | undefined;

  /**
   * `canFollow(earlier, later)`: whether a run's `later` write may share a group with its
   * `earlier` one, because the group's one statement applies them in that order (by default never).
   * `canWait(write)`: whether a write nobody waits on to go ahead may wait one turn of the event
   * loop for company when the queue is idle (by default none may).
   */
  constructor(
    commit: CommitGroup<W, R>,
    canFollow: (earlier: W, later: W) => boolean = () => false,
    canWait: (write: W) => boolean = () => false,
  ) {
    this.#commit = commit;
    this.#canFollow = canFollow;
    this.#canWait = canWait;
  }

  submit(write: W): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      if (this.#draining) return;
      if (this.#canWait(write)) {
        // One turn, not a timer: the writes the same turn issues (a fast run's last events and
        // final row) join it, so the run pays one commit for both instead of one after the other.
        this.#deferred ??= setImmediate(() => this.#startDrain());
        return;
      }
      // A microtask, not a turn of the event loop: writes issued together (e.g. Promise.all) share
      // the first group, and a lone write (low concurrency) leaves without waiting.
      this.#draining = true;
      queueMicrotask(() => this.#startDrain());
    });
  }

  #startDrain(): void {
    clearImmediate(this.#deferred);
    this.#deferred = undefined;
    this.#draining = true;
    void this.#drain();
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

  /**
   * The oldest write of each run, up to MAX_GROUP, plus the writes that may follow it in the same
   * statement (`canFollow`); a run's other writes, and everything after them, wait for a later group.
   */
  #nextGroup(): Pending<W, R>[] {
    const lastOf = new Map<string, W>();
    const closed = new Set<string>();
    const group: Pending<W, R>[] = [];
    const rest: Pending<W, R>[] = [];
    for (const pending of this.#queue) {
      const { runId } = pending.write;
      const last = lastOf.get(runId);
      const joins =
        group.length < MAX_GROUP &&
        !closed.has(runId) &&
        (last === undefined || this.#canFollow(last, pending.write));
      if (joins) {
        lastOf.set(runId, pending.write);
        group.push(pending);
      } else {
        closed.add(runId); // keeps the run's order: none of its later writes may overtake this one
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
  async #settle(group: readonly Pending<W, R>[]): Promise<boolean> {
    let outcomes: readonly (Error | R)[];
    try {
      outcomes = await this.#commit(group.map((pending) => pending.write));
    } catch (error) {
      if (group.length > 1) return false;
      for (const pending of group) pending.reject(error);
      return true;
    }
    for (const [index, pending] of group.entries()) {
      const outcome = outcomes[index] as Error | R;
      if (outcome instanceof Error) pending.reject(outcome);
      else pending.resolve(outcome);
    }
    return true;
  }
}
