import type { Logger } from './logger.ts';
import { isPermanentStoreError } from './permanentStoreError.ts';
import type { TerminalRunEvent } from './runEvent.ts';
import type { RunResult, Store } from './store.ts';

/**
 * `done`: events and row stored; `superseded`: the run had already been ended elsewhere (a cancel,
 * an expired lease), that status stands; `events-missing`: the row is final, some events are not
 * stored yet; `failed`: the row is not stored and a retry may help (the store is unreachable);
 * `refused`: the store refused the row for good (its session was deleted, a constraint), so
 * retrying is pointless.
 */
export type FinishOutcome = 'done' | 'superseded' | 'events-missing' | 'failed' | 'refused';

/** A run that ended while its store was failing: its events and final row still to be written. */
export interface UnfinishedRun {
  readonly runId: string;
  readonly store: Store;
  /** Stores the run's events that are not stored yet (idempotent on runId+seq). */
  readonly flush: () => Promise<void>;
  /** Issues the unstored events at once if it can; true when none is left unissued. */
  readonly issueEvents?: () => boolean;
  readonly result: RunResult;
  /** Stored with the final row, in the same write. */
  readonly terminalEvent: TerminalRunEvent;
}

export interface RunFinisherOptions {
  readonly logger: Logger;
  /** First retry delay; doubles up to `maxRetryMs`. Default 500. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** Runs kept for retry at most; older ones are given up (left RUNNING) past it. Default 10 000. */
  readonly maxPending?: number;
}

/**
 * Finishes the records of runs that ended while their store was down: events first, then the
 * terminal row, retried in the background until the store answers again, so a database outage
 * leaves no accepted run RUNNING once the database is back (no restart needed).
 */
export class RunFinisher {
  readonly #logger: Logger;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #maxPending: number;
  readonly #pending = new Map<string, UnfinishedRun>();
  /** Pending runs whose final row is written; only their events are retried. */
  readonly #rowFinished = new Set<string>();
  #delay: number;
  #timer: NodeJS.Timeout | undefined;
  #retrying: Promise<void> | undefined;

  constructor(options: RunFinisherOptions) {
    this.#logger = options.logger;
    this.#retryMs = options.retryMs ?? 500;
    this.#maxRetryMs = options.maxRetryMs ?? 10_000;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#delay = this.#retryMs;
  }

  /** Runs waiting for their store. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Writes the run's events, then its final row. `done` when both are stored, `events-missing`
   * when only the row is (it is final, some events are not yet), `failed` when the row is not.
   */
  static async tryFinish(run: UnfinishedRun, rowFinished = false): Promise<FinishOutcome> {
    const stored = (flushing: Promise<void>) =>
      flushing.then(
        () => true,
        () => false,
      );
    const endRun = () =>
      run.store.finishRun(run.runId, run.result, run.terminalEvent).then(
        (won) => (won ? 'won' : 'superseded'),
        (error: unknown) => (isPermanentStoreError(error) ? 'refused' : 'failed'),
      );
    if (!rowFinished && run.store.ordersWrites && run.issueEvents?.()) {
      // Every event is issued: the row goes out in the same tick, behind them, so a store that
      // group-commits writes both in one transaction (one round trip), not one after the other.
      const flushing = run.flush();
      // `endRun` never rejects; the flush is awaited in this same tick (no unhandled rejection).
      const ending = endRun();
      let eventsStored = true;
      try {
        await flushing;
      } catch {
        eventsStored = false;
      }
      const ended = await ending;
      if (ended !== 'won') return ended;
      return eventsStored ? 'done' : 'events-missing';
    }
    const eventsStored = await stored(run.flush());
    if (rowFinished) return eventsStored ? 'done' : 'events-missing';
    const ended = await endRun();
    if (ended !== 'won') return ended;
    return eventsStored ? 'done' : 'events-missing';
  }

  /** One line for a run whose row the store refused for good: it is not retried. */
  static logRefused(logger: Logger, runId: string): void {
    logger.error(
      "the store refused the run's final row for good (session deleted?); not retrying",
      {
        runId,
      },
    );
  }

  /** Keeps retrying `run` in the background until it is stored or `drain` gives up. */
  defer(run: UnfinishedRun, rowFinished = false): void {
    if (this.#pending.size >= this.#maxPending) {
      const [oldest] = this.#pending.keys();
      if (oldest !== undefined) {
        this.#pending.delete(oldest);
        this.#rowFinished.delete(oldest);
        this.#logger.error('too many unfinished runs; giving one up (it stays RUNNING)', {
          runId: oldest,
        });
      }
    }
    this.#pending.set(run.runId, run);
    if (rowFinished) this.#rowFinished.add(run.runId);
    this.#logger.warn('the run ended while its store was failing; finishing it in the background', {
      runId: run.runId,
    });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#retrying !== undefined || this.#pending.size === 0)
      return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#retrying = this.#retryAll().finally(() => {
        this.#retrying = undefined;
        this.#schedule();
      });
    }, this.#delay);
    // Pending retries alone never keep the process alive; close() drains them.
    this.#timer.unref();
  }

  async #retryAll(): Promise<void> {
    let stored = 0;
    // A store that failed this round is still down: its other runs wait for the next round, while
    // runs of other stores go ahead. A failed run moves to the back, so it never heads the queue.
    const down = new Set<Store>();
    for (const run of [...this.#pending.values()]) {
      if (down.has(run.store)) continue;
      const outcome = await RunFinisher.tryFinish(run, this.#rowFinished.has(run.runId));
      if (outcome === 'events-missing') {
        this.#rowFinished.add(run.runId); // its row is final: only the events are left to store
        continue;
      }
      this.#pending.delete(run.runId);
      if (outcome === 'failed') {
        this.#pending.set(run.runId, run);
        down.add(run.store);
        continue;
      }
      this.#rowFinished.delete(run.runId);
      if (outcome === 'refused') RunFinisher.logRefused(this.#logger, run.runId);
      else stored++;
    }
    this.#delay =
      this.#pending.size === 0 ? this.#retryMs : Math.min(this.#delay * 2, this.#maxRetryMs);
    if (stored > 0) this.#logger.info('finished runs recorded after a store failure', { stored });
  }

  /**
   * Stops the background retries and tries every pending run until `timeoutMs` has passed; what
   * is still unstored then is logged and left RUNNING.
   */
  async drain(timeoutMs: number): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#retrying;
    const deadline = Date.now() + timeoutMs;
    // At least one attempt each, even when the grace period is already used up.
    for (
      let round = 0;
      this.#pending.size > 0 && (round === 0 || Date.now() < deadline) && round < 100;
      round++
    ) {
      await this.#retryAll();
      if (this.#pending.size > 0) {
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(200, Math.max(0, deadline - Date.now()))),
        );
      }
    }
    for (const runId of this.#pending.keys()) {
      this.#logger.error('could not finish the run record before shutdown; it stays RUNNING', {
        runId,
      });
    }
    this.#pending.clear();
    this.#rowFinished.clear();
  }
}
