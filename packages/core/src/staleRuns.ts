import type { Logger } from './logger.ts';
import { endOrphanRun } from './orphanRun.ts';
import type { RunErrorInfo, RunRecord, Store } from './store.ts';
import { errorSummary } from './unexpectedError.ts';

/** Older RUNNING rows are taken for the leftovers of a crashed process. Default 15 minutes. */
export const DEFAULT_STALE_RUN_AFTER_MS = 15 * 60_000;

const INTERRUPTED: RunErrorInfo = {
  code: 'RUN_INTERRUPTED',
  message: 'The server stopped before the run ended',
};

// Bounds one sweep, so a start-up never stalls on a huge backlog; the next start takes the rest.
const SWEEP_LIMIT = 1_000;

/**
 * Ends the runs a crashed process left RUNNING: a run whose terminal event was stored gets the
 * status it announced, any other one a RunError RUN_INTERRUPTED event and status ERROR. Only rows
 * older than `olderThanMs` are touched, so runs live in another process sharing the db are not.
 */
export async function endStaleRuns(
  stores: readonly Store[],
  olderThanMs: number,
  logger: Logger,
): Promise<number> {
  let ended = 0;
  const before = new Date(Date.now() - olderThanMs);
  for (const store of stores) {
    if (!store.listStaleRuns) continue;
    let stale: RunRecord[];
    try {
      stale = await store.listStaleRuns(before, SWEEP_LIMIT);
    } catch (error) {
      logger.error('could not look for runs left RUNNING by a crash', {
        store: store.id,
        ...errorSummary(error),
      });
      continue;
    }
    for (const run of stale) {
      try {
        await endStaleRun(store, run);
        ended++;
      } catch (error) {
        logger.error('could not end a run left RUNNING by a crash', {
          runId: run.runId,
          ...errorSummary(error),
        });
      }
    }
  }
  if (ended > 0) logger.warn('ended runs a previous process left RUNNING', { ended });
  return ended;
}

async function endStaleRun(store: Store, run: RunRecord): Promise<void> {
  await endOrphanRun(store, run, { event: 'RunError', error: INTERRUPTED });
}
