import type { ActiveRun } from './activeRun.ts';
import { AgentRegistry } from './agentRegistry.ts';
import type { ContinueRunRequest, StartRunRequest } from './caller.ts';
import type { Instrumentation } from './instrumentation/instrumentation.ts';
import { LeaseKeeper, type LeaseOptions, resolveLeaseOptions } from './leaseKeeper.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { newId } from './newId.ts';
import type { AgentEntry } from './resolveAgent.ts';
import type { RunEvent } from './runEvent.ts';
import { RunFinisher } from './runFinisher.ts';
import { type RunEventsOptions, RunLifecycle } from './runLifecycle.ts';
import { shutDown } from './runtimeShutdown.ts';
import type { ListSessionsQuery, OwnerScope, RunRecord, SessionRecord, Store } from './store.ts';
import { StoreReads } from './storeReads.ts';

export type { Caller, ContinueRunRequest, StartRunRequest } from './caller.ts';

export interface AgentRuntimeOptions {
  agents: readonly AgentEntry[];
  /** Store for plain agents that have no db of their own. Default: an InMemoryDb. */
  db?: Store;
  logger?: Logger;
  /** Concurrent runs one user may have; more get TOO_MANY_RUNS (429). Default: unlimited. */
  maxConcurrentRunsPerUser?: number;
  /**
   * Each process holds a lease on the runs it executes and renews it by heartbeat; every process
   * ends runs whose lease expired (their process died) as ERROR RUN_INTERRUPTED, with a RunError
   * event so their watchers end too, within `ttlMs + sweepMs` (default 15 s + 5 s = 20 s).
   */
  leases?: LeaseOptions;
  /**
   * RUNNING rows without a lease (written before leases existed) are ended once last written this
   * long ago. Same as `leases.leaselessAfterMs`. Default 15 minutes.
   */
  staleRunAfterMs?: number;
  /** Traces and measures resolves and runs (OpenTelemetry, Prometheus: see @agentmint/trpc). */
  instrumentation?: Instrumentation | undefined;
  /**
   * How long a cancel of a run executing in another process waits for that process to end it
   * before ending it itself. Default 5 000 ms.
   */
  cancelWaitMs?: number;
}

/**
 * The transport-neutral heart of AgentOS, composed of one part per job: the registry (agents and
 * stores), the run lifecycle (start, continue, cancel, live events), reads across stores, and
 * shutdown. Transports reach it through the operations layer, which checks the caller first.
 */
export class AgentRuntime {
  readonly logger: Logger;
  readonly registry: AgentRegistry;
  readonly reads: StoreReads;
  readonly lifecycle: RunLifecycle;
  /** Runs that ended while their store was down, finished once it is back. */
  readonly #finisher: RunFinisher;
  /** This process's id as the owner of run leases. */
  readonly instanceId = newId();
  readonly #leases: LeaseKeeper;
  #initialized: Promise<void> | undefined;
  #closed: Promise<void> | undefined;

  constructor(options: AgentRuntimeOptions) {
    this.logger = options.logger ?? consoleLogger;
    if (options.staleRunAfterMs !== undefined && !(options.staleRunAfterMs >= 0)) {
      throw new TypeError(`staleRunAfterMs must be a number >= 0, got ${options.staleRunAfterMs}`);
    }
    const leases = resolveLeaseOptions({
      ...(options.staleRunAfterMs !== undefined && {
        leaselessAfterMs: Math.max(1, options.staleRunAfterMs),
      }),
      ...options.leases,
    });
    const cancelWaitMs = options.cancelWaitMs ?? 5_000;
    if (!(cancelWaitMs >= 0)) {
      throw new TypeError(`cancelWaitMs must be a number >= 0, got ${options.cancelWaitMs}`);
    }
    this.registry = new AgentRegistry(options.agents, options.db);
    this.reads = new StoreReads(this.registry);
    this.#finisher = new RunFinisher({ logger: this.logger });
    this.lifecycle = new RunLifecycle({
      registry: this.registry,
      reads: this.reads,
      logger: this.logger,
      finisher: this.#finisher,
      maxRunsPerUser: options.maxConcurrentRunsPerUser ?? Number.POSITIVE_INFINITY,
      instrumentation: options.instrumentation,
      ownerId: this.instanceId,
      leaseTtlMs: leases.ttlMs,
      cancelWaitMs,
    });
    this.#leases = new LeaseKeeper({
      ownerId: this.instanceId,
      options: leases,
      stores: () => this.stores,
      activeRuns: () => this.lifecycle.activeRunsByStore(),
      isActive: (runId) => this.lifecycle.activeRun(runId) !== undefined,
      logger: this.logger,
    });
  }

  get agents(): ReadonlyMap<string, AgentEntry> {
    return this.registry.agents;
  }

  /** Every store runs live in: the default db, each agent's db, and any db a built agent brought. */
  get stores(): readonly Store[] {
    return this.registry.stores;
  }

  get activeRunCount(): number {
    return this.lifecycle.activeRunCount;
  }

  /**
   * Connects and migrates every store, listens for cancel requests from other processes, ends runs
   * whose process is gone, then keeps heartbeating this process's leases and sweeping; idempotent.
   */
  init(): Promise<void> {
    this.#initialized ??= Promise.all(this.stores.map((store) => store.init())).then(async () => {
      this.lifecycle.listen(this.stores);
      await Promise.all(this.stores.map((store) => store.signals?.ready?.()));
      await this.#leases.start();
    });
    return this.#initialized;
  }

  /** Ends runs whose process is gone now, rather than at the next sweep; resolves to how many. */
  sweepStaleRuns(): Promise<number> {
    return this.#leases.sweep();
  }

  entry(agentId: string): AgentEntry {
    return this.registry.entry(agentId);
  }

  storeOf(entry: AgentEntry): Store {
    return this.registry.storeOf(entry);
  }

  startRun(request: StartRunRequest): Promise<ActiveRun> {
    return this.lifecycle.startRun(request);
  }

  continueRun(request: ContinueRunRequest): Promise<ActiveRun> {
    return this.lifecycle.continueRun(request);
  }

  activeRun(runId: string, scope?: OwnerScope): ActiveRun | undefined {
    return this.lifecycle.activeRun(runId, scope);
  }

  cancelRun(runId: string, scope?: OwnerScope, agentId?: string): Promise<RunRecord> {
    return this.lifecycle.cancelRun(runId, scope, agentId);
  }

  events(runId: string, options: RunEventsOptions = {}): AsyncGenerator<RunEvent> {
    return this.lifecycle.events(runId, options);
  }

  getRun(runId: string, scope?: OwnerScope, agentId?: string): Promise<RunRecord> {
    return this.reads.getRun(runId, scope, agentId);
  }

  listSessions(query: ListSessionsQuery, scope?: OwnerScope): Promise<SessionRecord[]> {
    return this.reads.listSessions(query, scope);
  }

  getSession(
    sessionId: string,
    scope?: OwnerScope,
  ): Promise<{ session: SessionRecord; runs: RunRecord[] }> {
    return this.reads.getSession(sessionId, scope);
  }

  /** Cancels the session's live runs in this process first, so none writes into a deleted session. */
  async deleteSession(sessionId: string, scope?: OwnerScope): Promise<void> {
    await this.reads.getSession(sessionId, scope);
    await this.lifecycle.cancelSessionRuns(sessionId, scope);
    await this.reads.deleteSession(sessionId, scope);
  }

  renameSession(sessionId: string, name: string, scope?: OwnerScope): Promise<SessionRecord> {
    return this.reads.renameSession(sessionId, name, scope);
  }

  /**
   * Stops accepting runs (SHUTTING_DOWN), lets live runs finish for up to `graceMs`, cancels the
   * rest, then closes every store. Idempotent: every call gets the same promise.
   */
  close(options: { graceMs?: number } = {}): Promise<void> {
    this.#closed ??= shutDown({
      lifecycle: this.lifecycle,
      finisher: this.#finisher,
      stores: this.stores,
      graceMs: options.graceMs,
      stopBackground: async () => {
        await this.#leases.stop();
        this.lifecycle.unlisten();
      },
    });
    return this.#closed;
  }
}
