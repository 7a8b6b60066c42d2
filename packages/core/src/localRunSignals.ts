import type { RunSignals } from './runSignals.ts';

/**
 * `RunSignals` within one process, for stores only one process uses (InMemoryDb, SqliteDb): the
 * store calls `eventsStored` after each committed write, and every runtime on the store hears it.
 */
export class LocalRunSignals implements RunSignals {
  readonly #cancelListeners = new Set<(runId: string) => void>();
  readonly #eventListeners = new Map<string, Set<(seq?: number) => void>>();

  async notifyCancel(runId: string): Promise<void> {
    this.cancelRequested(runId);
  }

  /** Tells this process's cancel listeners that `runId` was asked to stop. */
  cancelRequested(runId: string): void {
    for (const listener of [...this.#cancelListeners]) listener(runId);
  }

  onCancel(listener: (runId: string) => void): () => void {
    // Wrapped, so one function subscribed twice unsubscribes twice.
    const entry = (runId: string) => listener(runId);
    this.#cancelListeners.add(entry);
    return () => this.#cancelListeners.delete(entry);
  }

  subscribeEvents(runId: string, wake: (seq?: number) => void): () => void {
    const entry = (seq?: number) => wake(seq);
    let listeners = this.#eventListeners.get(runId);
    if (!listeners) {
      listeners = new Set();
      this.#eventListeners.set(runId, listeners);
    }
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
      if (listeners.size === 0 && this.#eventListeners.get(runId) === listeners) {
        this.#eventListeners.delete(runId);
      }
    };
  }

  /** Wakes the watchers of `runId`: events up to `seq` (when known) are stored. */
  eventsStored(runId: string, seq?: number): void {
    const listeners = this.#eventListeners.get(runId);
    if (!listeners) return;
    for (const wake of [...listeners]) wake(seq);
  }

  /** Wakes every watcher, to re-read what it may have missed. */
  wakeAll(): void {
    for (const listeners of this.#eventListeners.values()) {
      for (const wake of [...listeners]) wake();
    }
  }
}
