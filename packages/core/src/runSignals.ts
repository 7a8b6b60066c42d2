/**
 * The messages processes sharing a database exchange about runs, transport-neutral: a store
 * implements it in process (`LocalRunSignals`) or over its database (PostgreSQL LISTEN/NOTIFY).
 * Delivery is best effort: callers re-read the tables on a slow timer too, so a lost message costs
 * latency, never correctness.
 */
export interface RunSignals {
  /** Asks whichever process executes `runId` to cancel it; every process's `onCancel` hears it. */
  notifyCancel(runId: string): Promise<void>;
  /** Calls `listener` with the id of every run someone asked to cancel; returns the unsubscribe. */
  onCancel(listener: (runId: string) => void): () => void;
  /**
   * Calls `wake` after events of `runId` were stored (by any process), with the highest seq written
   * when known; `wake()` without a seq means "something may have been missed, re-read". Returns
   * the unsubscribe.
   */
  subscribeEvents(runId: string, wake: (seq?: number) => void): () => void;
  /** Resolves once messages reach this process (e.g. its LISTEN connection is up); never rejects. */
  ready?(): Promise<void>;
}
