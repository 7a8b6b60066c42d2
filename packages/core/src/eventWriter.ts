import type { Logger } from './logger.ts';
import { isPermanentStoreError } from './permanentStoreError.ts';
import type { RunEvent } from './runEvent.ts';
import type { Store } from './store.ts';
import { errorSummary } from './unexpectedError.ts';

/**
 * Write-behind for run events: at most one append in flight per run, and everything emitted while
 * it runs (or in the same turn of the event loop) goes out in the next batch, so a 200-delta stream costs a handful of writes, not 200.
 */
export class EventWriter {
  readonly #store: Store;
  readonly #runId: string;
  readonly #logger: Logger;
  #pending: RunEvent[] = [];
  #inFlight: Promise<void> | undefined;
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
   * Issues the pending events now unless an append is in flight; true when every event has been
   * issued, so a write issued right after (the final row) reaches the store behind them and a
   * group-committing store writes both in one transaction.
   */
  issueAll(): boolean {
    if (this.#pending.length === 0) return true;
    if (this.#inFlight) return false;
    this.#start();
    return true;
  }

  /** Resolves once every pushed event is stored; rejects if the store keeps failing. */
  async flush(): Promise<void> {
    if (this.#scheduled) this.#start();
    while (this.#inFlight) await this.#inFlight;
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
          if (isPermanentStoreError(error)) {
            // Refused, not unreachable (e.g. the run's session was deleted): a retry fails the same
            // way, so drop the batch, and say so once per run rather than once per batch.
            if (!this.#refused) {
              this.#logger.warn("the store refused this run's events; dropping them", {
                runId: this.#runId,
                ...errorSummary(error),
              });
            }
            this.#refused = true;
            continue;
          }
          // Keep the batch for the next attempt; appends are idempotent on (runId, seq).
          this.#pending = batch.concat(this.#pending);
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
}
