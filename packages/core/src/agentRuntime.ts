import type { ActiveRun } from './activeRun.ts';
import { Agent } from './agent.ts';
import { assertValidAgentId } from './agentId.ts';
import { AgentMintError } from './errors/agentMintError.ts';
import { AgentNotFoundError } from './errors/agentNotFoundError.ts';
import { TooManyRunsError } from './errors/tooManyRunsError.ts';
import { executeRun } from './executeRun.ts';
import { InMemoryDb } from './inMemoryDb.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { newId } from './newId.ts';
import type { TrustedContext } from './requestContext.ts';
import { type AgentEntry, resolveAgent } from './resolveAgent.ts';
import type { RunEvent } from './runEvent.ts';
import type { ListSessionsQuery, OwnerScope, RunRecord, SessionRecord, Store } from './store.ts';

export interface AgentRuntimeOptions {
  agents: readonly AgentEntry[];
  /** Store for plain agents that have no db of their own. Default: an InMemoryDb. */
  db?: Store;
  logger?: Logger;
  /** Concurrent runs one user may have; more get TOO_MANY_RUNS (429). Default: unlimited. */
  maxConcurrentRunsPerUser?: number;
}

/** Who is asking, as established by the transport after verifying credentials. */
export interface Caller {
  readonly userId?: string | undefined;
  readonly trusted?: TrustedContext;
  /** Rows this caller may see (user isolation); undefined = all. */
  readonly scope?: OwnerScope;
  /** Throws when the caller may not run `agentId`; runs before input validation and the factory. */
  readonly authorizeRun?: (agentId: string) => void;
}

export interface StartRunRequest {
  readonly agentId: string;
  readonly message: string;
  readonly caller: Caller;
  readonly sessionId?: string | undefined;
  readonly factoryInput?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Stream model deltas (SSE, subscriptions) or fetch whole answers. Default true. */
  readonly streamModel?: boolean;
}

export interface ContinueRunRequest {
  readonly runId: string;
  readonly message: string;
  readonly caller: Caller;
  readonly headers?: Readonly<Record<string, string>>;
  readonly streamModel?: boolean;
}

/**
 * The transport-neutral heart of AgentOS: the agent registry, run start (resolve → record → loop),
 * live runs for cancel and resume, and reads across every store the agents use.
 */
export class AgentRuntime {
  readonly agents: ReadonlyMap<string, AgentEntry>;
  readonly stores: readonly Store[];
  readonly logger: Logger;
  readonly #defaultDb: Store;
  readonly #active = new Map<string, ActiveRun>();
  readonly #runsPerUser = new Map<string, number>();
  readonly #maxPerUser: number;
  #initialized: Promise<void> | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(options: AgentRuntimeOptions) {
    this.logger = options.logger ?? consoleLogger;
    this.#defaultDb = options.db ?? new InMemoryDb({ id: 'default' });
    this.#maxPerUser = options.maxConcurrentRunsPerUser ?? Number.POSITIVE_INFINITY;
    const agents = new Map<string, AgentEntry>();
    for (const entry of options.agents) {
      if (entry instanceof Agent) assertValidAgentId(entry.id, 'Agent');
      const id = entry.id as string;
      if (agents.has(id)) throw new TypeError(`Two agents are registered with the id '${id}'`);
      agents.set(id, entry);
    }
    this.agents = agents;
    const stores = new Set<Store>([this.#defaultDb]);
    for (const entry of agents.values()) if (entry.db) stores.add(entry.db);
    this.stores = [...stores];
  }

  /** Connects and migrates every store; idempotent. */
  init(): Promise<void> {
    this.#initialized ??= Promise.all(this.stores.map((store) => store.init())).then(() => {});
    return this.#initialized;
  }

  entry(agentId: string): AgentEntry {
    const entry = this.agents.get(agentId);
    if (!entry) throw new AgentNotFoundError(agentId);
    return entry;
  }

  storeOf(entry: AgentEntry): Store {
    return entry.db ?? this.#defaultDb;
  }

  get activeRunCount(): number {
    return this.#active.size;
  }

  /** Resolves the agent, records the run and starts it; the run emits events until it ends. */
  async startRun(request: StartRunRequest): Promise<ActiveRun> {
    const entry = this.entry(request.agentId);
    request.caller.authorizeRun?.(request.agentId);
    return this.#start(entry, request, undefined);
  }

  /** Runs a follow-up in the same session, rebuilding the agent with the run's stored factory input. */
  async continueRun(request: ContinueRunRequest): Promise<ActiveRun> {
    const previous = await this.getRun(request.runId, request.caller.scope);
    const entry = this.entry(previous.agentId);
    request.caller.authorizeRun?.(previous.agentId);
    return this.#start(
      entry,
      {
        agentId: previous.agentId,
        message: request.message,
        caller: request.caller,
        sessionId: previous.sessionId,
        ...(request.headers && { headers: request.headers }),
        ...(request.streamModel !== undefined && { streamModel: request.streamModel }),
      },
      { value: previous.factoryInput ?? undefined },
    );
  }

  async #start(
    entry: AgentEntry,
    request: StartRunRequest,
    validatedInput: { value: unknown } | undefined,
  ): Promise<ActiveRun> {
    if (this.#closing) throw new AgentMintError('SHUTTING_DOWN', 'The server is shutting down');
    if (typeof request.message !== 'string' || request.message.length === 0) {
      throw new AgentMintError('BAD_REQUEST', '`message` must be a non-empty string');
    }
    const { caller } = request;
    const userKey = caller.userId ?? '';
    const running = this.#runsPerUser.get(userKey) ?? 0;
    if (running >= this.#maxPerUser) throw new TooManyRunsError(this.#maxPerUser);
    this.#runsPerUser.set(userKey, running + 1);
    let started = false;
    try {
      const controller = new AbortController();
      const store = this.storeOf(entry);
      const { agent, ctx } = await resolveAgent(entry, {
        userId: caller.userId,
        sessionId: request.sessionId,
        runId: newId(),
        factoryInput: request.factoryInput,
        ...(validatedInput && { validatedInput }),
        ...(caller.trusted && { trusted: caller.trusted }),
        ...(request.headers && { headers: request.headers }),
        signal: controller.signal,
        logger: this.logger,
      });
      const runStore = agent.db ?? store;
      if (request.sessionId !== undefined)
        await this.#assertSessionOwner(runStore, request, caller);
      const run = await executeRun({
        agent,
        ctx,
        controller,
        store: runStore,
        message: request.message,
        streamModel: request.streamModel ?? true,
        loadHistory: request.sessionId !== undefined,
        historyScope: caller.scope,
        factoryInput: ctx.input,
        logger: this.logger,
      });
      started = true;
      this.#active.set(ctx.runId, run);
      void run.done.then(() => {
        this.#active.delete(ctx.runId);
        this.#release(userKey);
      });
      return run;
    } finally {
      if (!started) this.#release(userKey);
    }
  }

  async #assertSessionOwner(store: Store, request: StartRunRequest, caller: Caller): Promise<void> {
    if (caller.scope === undefined || request.sessionId === undefined) return;
    const session = await store.getSession(request.sessionId);
    if (session && session.userId !== caller.scope.userId) {
      throw new AgentMintError('SESSION_NOT_FOUND', `No session '${request.sessionId}'`);
    }
  }

  #release(userKey: string): void {
    const left = (this.#runsPerUser.get(userKey) ?? 1) - 1;
    if (left <= 0) this.#runsPerUser.delete(userKey);
    else this.#runsPerUser.set(userKey, left);
  }

  /** The live run with this id in this process, if it is still going. */
  activeRun(runId: string, scope?: OwnerScope): ActiveRun | undefined {
    const run = this.#active.get(runId);
    return run && (scope === undefined || run.ids.userId === scope.userId) ? run : undefined;
  }

  /** Finds a run in any store; RUN_NOT_FOUND when absent or outside the caller's scope. */
  async getRun(runId: string, scope?: OwnerScope, agentId?: string): Promise<RunRecord> {
    const stores = agentId === undefined ? this.stores : [this.storeOf(this.entry(agentId))];
    for (const store of stores) {
      const run = await store.getRun(runId, scope);
      if (run && (agentId === undefined || run.agentId === agentId)) return run;
    }
    throw new AgentMintError('RUN_NOT_FOUND', `No run '${runId}'`);
  }

  /**
   * Cancels a run without building any agent. An active run ends with RunCancelled; a RUNNING row
   * left by a crashed process is closed as CANCELLED. Ended runs are left as they are.
   */
  async cancelRun(runId: string, scope?: OwnerScope, agentId?: string): Promise<RunRecord> {
    const active = this.activeRun(runId, scope);
    if (active && (agentId === undefined || active.ids.agentId === agentId)) {
      active.cancel('cancelled by request');
      await active.done;
      return this.getRun(runId, scope, agentId);
    }
    const record = await this.getRun(runId, scope, agentId);
    if (record.status === 'RUNNING') {
      const store = this.#storeHolding(record);
      await store.finishRun(runId, {
        status: 'CANCELLED',
        content: null,
        metrics: null,
        error: null,
        messages: [],
        updatedAt: new Date(),
      });
      return { ...record, status: 'CANCELLED' };
    }
    return record;
  }

  /**
   * The run's events after `afterSeq`: live from memory while it runs in this process, else from
   * its store. `cancelAfterMs` cancels a live run once no subscriber is left for that long.
   */
  async *events(
    runId: string,
    options: { afterSeq?: number; scope?: OwnerScope; cancelAfterMs?: number } = {},
  ): AsyncGenerator<RunEvent> {
    const active = this.activeRun(runId, options.scope);
    if (active) {
      yield* active.subscribe(options.afterSeq ?? 0, options.cancelAfterMs);
      return;
    }
    const record = await this.getRun(runId, options.scope);
    yield* await this.#storeHolding(record).listEvents(runId, options.afterSeq ?? 0, options.scope);
  }

  #storeHolding(record: RunRecord): Store {
    const entry = this.agents.get(record.agentId);
    return entry ? this.storeOf(entry) : this.#defaultDb;
  }

  async listSessions(query: ListSessionsQuery, scope?: OwnerScope): Promise<SessionRecord[]> {
    const stores =
      query.agentId === undefined ? this.stores : [this.storeOf(this.entry(query.agentId))];
    const lists = await Promise.all(stores.map((store) => store.listSessions(query, scope)));
    const all = lists.flat().sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
    return stores.length === 1 ? all : all.slice(0, query.limit ?? 100);
  }

  async getSession(
    sessionId: string,
    scope?: OwnerScope,
  ): Promise<{ session: SessionRecord; runs: RunRecord[] }> {
    for (const store of this.stores) {
      const session = await store.getSession(sessionId, scope);
      if (session) return { session, runs: await store.listRuns({ sessionId }, scope) };
    }
    throw new AgentMintError('SESSION_NOT_FOUND', `No session '${sessionId}'`);
  }

  async deleteSession(sessionId: string, scope?: OwnerScope): Promise<void> {
    const deleted = await Promise.all(this.stores.map((s) => s.deleteSession(sessionId, scope)));
    if (!deleted.includes(true)) {
      throw new AgentMintError('SESSION_NOT_FOUND', `No session '${sessionId}'`);
    }
  }

  async renameSession(sessionId: string, name: string, scope?: OwnerScope): Promise<SessionRecord> {
    for (const store of this.stores) {
      const renamed = await store.renameSession(sessionId, name, scope);
      if (renamed) return renamed;
    }
    throw new AgentMintError('SESSION_NOT_FOUND', `No session '${sessionId}'`);
  }

  /**
   * Stops accepting runs (SHUTTING_DOWN), lets live runs finish for up to `graceMs`, cancels the
   * rest, then closes every store.
   */
  close(options: { graceMs?: number } = {}): Promise<void> {
    this.#closed ??= this.#close(options);
    return this.#closed;
  }

  async #close(options: { graceMs?: number }): Promise<void> {
    this.#closing = true;
    const live = [...this.#active.values()];
    const allDone = Promise.all(live.map((run) => run.done));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), options.graceMs ?? 10_000);
    });
    if ((await Promise.race([allDone, expired])) === 'expired') {
      for (const run of this.#active.values()) run.cancel('server shutting down');
      await allDone;
    }
    clearTimeout(timer);
    await Promise.all(this.stores.map((store) => store.close()));
  }
}
