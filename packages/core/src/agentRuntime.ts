import type { ActiveRun } from './activeRun.ts';
import { AgentRegistry } from './agentRegistry.ts';
import type { ContinueRunRequest, StartRunRequest } from './caller.ts';
import type { Instrumentation } from './instrumentation/instrumentation.ts';
import { consoleLogger, type Logger } from './logger.ts';
import type { AgentEntry } from './resolveAgent.ts';
import type { RunEvent } from './runEvent.ts';
import { RunFinisher } from './runFinisher.ts';
import { RunLifecycle } from './runLifecycle.ts';
import { shutDown } from './runtimeShutdown.ts';
import { DEFAULT_STALE_RUN_AFTER_MS, endStaleRuns } from './staleRuns.ts';
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
   * `init()` ends RUNNING rows older than this, left by a process that crashed (ERROR
   * RUN_INTERRUPTED). Keep it above your longest run when several processes share a db. Default
   * 15 minutes.
   */
  staleRunAfterMs?: number;
  /** Traces and measures resolves and runs (OpenTelemetry, Prometheus: see @agentmint/trpc). */
  instrumentation?: Instrumentation | undefined;
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
  readonly #staleRunAfterMs: number;
  #initialized: Promise<void> | undefined;
  #closed: Promise<void> | undefined;

  constructor(options: AgentRuntimeOptions) {
    this.logger = options.logger ?? consoleLogger;
    this.#staleRunAfterMs = options.staleRunAfterMs ?? DEFAULT_STALE_RUN_AFTER_MS;
    if (!(this.#staleRunAfterMs >= 0)) {
      throw new TypeError(`staleRunAfterMs must be a number >= 0, got ${options.staleRunAfterMs}`);
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

  /** Connects and migrates every store, then ends runs a crashed process left RUNNING; idempotent. */
  init(): Promise<void> {
    this.#initialized ??= Promise.all(this.stores.map((store) => store.init())).then(async () => {
      await endStaleRuns(this.stores, this.#staleRunAfterMs, this.logger);
    });
    return this.#initialized;
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

  events(
    runId: string,
    options: { afterSeq?: number; scope?: OwnerScope; cancelAfterMs?: number } = {},
  ): AsyncGenerator<RunEvent> {
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
    });
    return this.#closed;
  }
}
