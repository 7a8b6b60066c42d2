import type { RunFinisher } from './runFinisher.ts';
import type { RunLifecycle } from './runLifecycle.ts';
import type { Store } from './store.ts';

export interface ShutdownPlan {
  readonly lifecycle: RunLifecycle;
  readonly finisher: RunFinisher;
  readonly stores: readonly Store[];
  /** How long runs may go on before they are cancelled. Default 10 s. */
  readonly graceMs?: number | undefined;
  /** Stops heartbeats, sweeps and signal listeners, once no run is left to need them. */
  readonly stopBackground?: () => Promise<void>;
}

/**
 * Stops accepting runs (SHUTTING_DOWN), lets live runs finish for up to `graceMs`, cancels the
 * rest, gives records waiting on a failed store what is left of the grace, then closes the stores.
 */
export async function shutDown(plan: ShutdownPlan): Promise<void> {
  const { lifecycle } = plan;
  const graceMs = plan.graceMs ?? 10_000;
  lifecycle.stopAccepting();
  const deadline = Date.now() + graceMs;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), graceMs);
  });
  // Starts already past their first check either register a run or fail with SHUTTING_DOWN.
  const starts = Promise.allSettled(lifecycle.pendingStarts.values());
  if ((await Promise.race([starts, expired])) === 'expired') {
    for (const controller of lifecycle.pendingStarts.keys()) controller.abort();
  }
  const live = [...lifecycle.activeRuns];
  const allDone = Promise.all(live.map((run) => run.done));
  if ((await Promise.race([allDone, expired])) === 'expired') {
    for (const run of lifecycle.activeRuns) run.cancel('server shutting down');
    await allDone;
  }
  clearTimeout(timer);
  await plan.finisher.drain(Math.max(0, deadline - Date.now()));
  await plan.stopBackground?.();
  await Promise.all(plan.stores.map((store) => store.close()));
}
