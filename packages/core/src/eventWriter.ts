import type { Logger } from './logger.ts';
import { isPermanentStoreError } from './permanentStoreError.ts';
import type { RunEvent } from './runEvent.ts';
import type { Store } from './store.ts';
import { errorSummary } from './unexpectedError.ts';

/**
 * Write-behind for run events: at most one append in flight per run, and everything emitted while
 * it runs (or in the same turn of the event loop) goes out in the next batch, so a 200-delta stream costs a handful of writes, not 200.
 * At the run's end (`issueAll`), a store that orders its writes also takes the rest behind the
 * append in flight, so the final row need not wait for it.
 */
export class EventWriter {
  readonly #store: Store;
  readonly #runId: string;
  readonly #logger: Logger;
  #pending: RunEvent[] = [];
  #inFlight: Promise<void> | undefined;
  /** Appends `issueAll` issued behind the one in flight (stores that order their writes). */
  #behind: Promise<void> | undefined;
  #failures = 0;
  #refused = false;
  #scheduled: NodeJS.Immediate | undefined;

  constructor(store: Store, runId: string, logger: Logger) {
    this.#store = store;
    this.#runId = runId;
    this.#logger = logger;
  }

  push(event: RunEvent): void {
    this.#pending.push(event);
    // The events of one turn of the event loop go out as one batch: a run whose model answers at
    // once (or in one burst) costs one append, not one for its first event and one for the rest.
    if (this.#inFlight === undefined && this.#scheduled === undefined) {
      this.#scheduled = setImmediate(() => this.#start());
    }
  }

  /**
   * Issues the pending events now; true when every event has been issued, so a write issued right
   * after (the final row) reaches the store behind them and a group-committing store writes both
   * in one transaction. While an append is in flight, only a store that commits in issue order
   * (`ordersWrites`) takes the rest behind it; otherwise false (the caller waits for `flush`).
   */
  issueAll(): boolean {
    if (this.#pending.length === 0) return true;
    if (this.#inFlight === undefined) {
      this.#start();
      return true;
    }
    if (this.#store.ordersWrites !== true) return false;
    // Not after the append in flight: that would cost the run one more commit before its final row.
    const batch = this.#pending;
    this.#pending = [];
    const issued = this.#store.appendEvents(this.#runId, batch).then(
      () => {},
      (error: unknown) => {
        this.#failed(batch, error);
      },
    );
    this.#behind = this.#behind ? Promise.all([this.#behind, issued]).then(() => {}) : issued;
    return true;
  }

  /** Resolves once every pushed event is stored; rejects if the store keeps failing. */
  async flush(): Promise<void> {
    if (this.#scheduled) this.#start();
    while (this.#inFlight || this.#behind) {
      // Only what is there: awaiting undefined would still cost a turn of the microtask queue.
      if (this.#inFlight) await this.#inFlight;
      const behind = this.#behind;
      this.#behind = undefined;
      if (behind) await behind;
    }
    if (this.#pending.length > 0) {
      this.#inFlight = this.#drain();
      await this.#inFlight;
    }
    if (this.#pending.length > 0) throw new Error(`could not store ${this.#pending.length} events`);
  }

  /** Starts the drain; it issues its first batch before returning (no await before the append). */
  #start(): void {
    clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#inFlight ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        try {
          await this.#store.appendEvents(this.#runId, batch);
          this.#failures = 0;
        } catch (error) {
          if (!this.#failed(batch, error)) continue;
          if (++this.#failures >= 3) {
            this.#logger.error('storing run events failed', {
              runId: this.#runId,
              ...errorSummary(error),
            });
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 50 * this.#failures));
        }
      }
    } finally {
      this.#inFlight = undefined;
    }
  }

  /**
   * A failed append: a refused batch is dropped (a retry fails the same way, e.g. the run's session
   * was deleted), said once per run; any other is kept for the next attempt (appends are
   * idempotent on (runId, seq)). True when kept.
   */
  #failed(batch: RunEvent[], error: unknown): boolean {
    if (isPermanentStoreError(error)) {
      if (!this.#refused) {
        this.#logger.warn("the store refused this run's events; dropping them", {
          runId: this.#runId,
          ...errorSummary(error),
        });
      }
      this.#refused = true;
      return false;
    }
    this.#pending = batch.concat(this.#pending);
    return true;
  }
}
