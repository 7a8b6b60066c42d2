import { isSegmentEndEvent, type RunEvent } from './runEvent.ts';
import { isTerminalStatus, type OwnerScope, type Store } from './store.ts';
import { fromStore } from './storeFailure.ts';

export interface FollowRunOptions {
  readonly afterSeq: number;
  readonly scope: OwnerScope;
  /**
   * How often the tables are re-read without a wake-up: the safety net under lost notifications,
   * and the only source for a store without signals. Default 1 000 ms.
   */
  readonly pollMs?: number;
  /** Ends the iteration early (the watcher went away). */
  readonly signal?: AbortSignal;
}

/**
 * A run's stored events after `afterSeq`, then its live ones as any process stores them, in seq
 * order, each once, until its terminal event: the watch of a run executing in another process.
 * Woken by the store's signals (PostgreSQL: a NOTIFY per write carrying run id and seq; the rows
 * are read from the table), with a slow re-read as a safety net.
 */
export async function* followStoredRun(
  store: Store,
  runId: string,
  options: FollowRunOptions,
): AsyncGenerator<RunEvent> {
  const pollMs = options.pollMs ?? 1_000;
  let after = options.afterSeq;
  let woken = false;
  let wake: (() => void) | undefined;
  const rouse = () => {
    woken = true;
    wake?.();
  };
  // Subscribed before the first read, so nothing written in between is missed.
  const unsubscribe = store.signals?.subscribeEvents(runId, rouse);
  options.signal?.addEventListener('abort', rouse);
  try {
    while (!options.signal?.aborted) {
      woken = false;
      const events = await fromStore(store.listEvents(runId, after, options.scope));
      for (const event of events) {
        if (event.seq <= after) continue;
        yield event;
        after = event.seq;
        if (isSegmentEndEvent(event)) return;
      }
      if (events.length > 0 || woken) continue;
      const timedOut = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve(false);
        };
        if (woken) wake();
      });
      wake = undefined;
      // A quiet spell: a row ended without a terminal event (rows from before they were stored) ends the watch.
      if (timedOut && (await endedWithoutEvent(store, runId, after, options.scope))) return;
    }
  } finally {
    unsubscribe?.();
    options.signal?.removeEventListener('abort', rouse);
  }
}

async function endedWithoutEvent(
  store: Store,
  runId: string,
  after: number,
  scope: OwnerScope,
): Promise<boolean> {
  const record = await fromStore(store.getRun(runId, scope));
  if (!record) return true; // deleted with its session
  if (!isTerminalStatus(record.status)) return false;
  // Ended: anything stored since the last read comes out on the next round.
  return (await fromStore(store.listEvents(runId, after, scope))).length === 0;
}
