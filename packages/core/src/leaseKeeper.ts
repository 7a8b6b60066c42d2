import type { ActiveRun } from './activeRun.ts';
import type { Logger } from './logger.ts';
import { endOrphanRun } from './orphanRun.ts';
import type { RunErrorInfo, Store } from './store.ts';
import { errorSummary } from './unexpectedError.ts';

/** Lease timings. A run whose process died is ended within `ttlMs + sweepMs` (20 s by default). */
export interface LeaseOptions {
  /** How long a heartbeat vouches for a run. Default 15 000 ms. */
  readonly ttlMs?: number;
  /** How often this process renews the leases of its runs; well under `ttlMs`. Default 5 000 ms. */
  readonly heartbeatMs?: number;
  /** How often this process ends runs whose lease expired. Default 5 000 ms. */
  readonly sweepMs?: number;
  /**
   * Rows without a lease (written before leases existed) are taken for a crashed process's once
   * last written this long ago. Default 15 minutes.
   */
  readonly leaselessAfterMs?: number;
}

export type ResolvedLeaseOptions = Required<LeaseOptions>;

export const INTERRUPTED: RunErrorInfo = {
  code: 'RUN_INTERRUPTED',
  message: 'The server stopped before the run ended',
};

// Bounds one sweep, so a sweep never stalls on a huge backlog; the next one takes the rest.
const SWEEP_LIMIT = 1_000;

export function resolveLeaseOptions(options: LeaseOptions = {}): ResolvedLeaseOptions {
  const resolved = {
    ttlMs: options.ttlMs ?? 15_000,
    heartbeatMs: options.heartbeatMs ?? 5_000,
    sweepMs: options.sweepMs ?? 5_000,
    leaselessAfterMs: options.leaselessAfterMs ?? 15 * 60_000,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new TypeError(`leases.${name} must be a number > 0, got ${value}`);
    }
  }
  if (resolved.heartbeatMs >= resolved.ttlMs) {
    throw new TypeError(
      `leases.heartbeatMs (${resolved.heartbeatMs}) must be below leases.ttlMs (${resolved.ttlMs}), or live runs would lose their lease`,
    );
  }
  return resolved;
}

export interface LeaseKeeperDeps {
  readonly ownerId: string;
  readonly options: ResolvedLeaseOptions;
  readonly stores: () => readonly Store[];
  /** This process's live runs, by the store that records them. */
  readonly activeRuns: () => ReadonlyMap<Store, readonly ActiveRun[]>;
  readonly isActive: (runId: string) => boolean;
  readonly logger: Logger;
}

/**
 * Leases instead of start-up sweeps: this process renews the leases of the runs it executes, and
 * ends any run whose lease expired (its process died) with a RunError RUN_INTERRUPTED event and
 * status ERROR, so its watchers end too. A live run whose lease could not be renewed (ended or
 * taken over elsewhere) is cancelled here.
 */
export class LeaseKeeper {
  readonly #deps: LeaseKeeperDeps;
  #heartbeat: NodeJS.Timeout | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;
  #renewing: Promise<void> | undefined;

  constructor(deps: LeaseKeeperDeps) {
    this.#deps = deps;
  }

  /** Sweeps once (awaited), then keeps heartbeating and sweeping until `stop()`. */
  async start(): Promise<void> {
    await this.sweep();
    const { heartbeatMs, sweepMs } = this.#deps.options;
    // Timers never keep the process alive; close() stops them.
    this.#heartbeat = setInterval(() => {
      this.#renewing ??= this.renew().finally(() => {
        this.#renewing = undefined;
      });
    }, heartbeatMs).unref();
    this.#sweeper = setInterval(() => void this.sweep(), sweepMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearInterval(this.#sweeper);
    await Promise.allSettled([this.#sweeping, this.#renewing]);
  }

  /** Renews this process's leases; runs whose lease is gone are cancelled. */
  async renew(): Promise<void> {
    const expiresAt = new Date(Date.now() + this.#deps.options.ttlMs);
    for (const [store, runs] of this.#deps.activeRuns()) {
      if (!store.renewLeases || runs.length === 0) continue;
      let renewed: Set<string>;
      try {
        const ids = runs.map((run) => run.ids.runId);
        renewed = new Set(await store.renewLeases(this.#deps.ownerId, ids, expiresAt));
      } catch (error) {
        // The store is down: the leases may lapse, and another process will then end these runs.
        this.#deps.logger.warn('could not renew run leases', {
          store: store.id,
          ...errorSummary(error),
        });
        continue;
      }
      for (const run of runs) {
        if (!renewed.has(run.ids.runId) && !run.finished) run.cancel('the run was ended elsewhere');
      }
    }
  }

  /** Ends runs whose process is gone; resolves to how many it ended. One sweep at a time. */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<number> {
    const now = Date.now();
    let ended = 0;
    for (const store of this.#deps.stores()) {
      if (!store.listStaleRuns) continue;
      try {
        const stale = await store.listStaleRuns({
          leaseExpiredBefore: new Date(now),
          writtenBefore: new Date(now - this.#deps.options.leaselessAfterMs),
          limit: SWEEP_LIMIT,
        });
        for (const run of stale) {
          // Ours and live: its heartbeat was late, not its process dead.
          if (this.#deps.isActive(run.runId)) continue;
          if (await endOrphanRun(store, run, { event: 'RunError', error: INTERRUPTED })) ended++;
        }
      } catch (error) {
        this.#deps.logger.error('could not end runs whose process is gone', {
          store: store.id,
          ...errorSummary(error),
        });
      }
    }
    if (ended > 0)
      this.#deps.logger.warn('ended runs whose process is gone (RUN_INTERRUPTED)', { ended });
    return ended;
  }
}
