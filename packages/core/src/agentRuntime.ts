import { type ActiveRun, RunCancelledSignal } from './activeRun.ts';
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
import { RunFinisher } from './runFinisher.ts';
import { DEFAULT_STALE_RUN_AFTER_MS, endStaleRuns } from './staleRuns.ts';
import { assertStorableId, assertStorableText, isStorableText } from './storableText.ts';
import type { ListSessionsQuery, OwnerScope, RunRecord, SessionRecord, Store } from './store.ts';
import { fromStore } from './storeFailure.ts';

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
  readonly logger: Logger;
  readonly #defaultDb: Store;
  readonly #stores = new Set<Store>();
  #storeList: readonly Store[] = [];
  readonly #active = new Map<string, ActiveRun>();
  /** Starts between their first check and their registration in #active; close() waits for them. */
  readonly #starting = new Map<AbortController, Promise<unknown>>();
  readonly #runsPerUser = new Map<string, number>();
  readonly #maxPerUser: number;
  /** Runs that ended while their store was down, finished once it is back. */
  readonly #finisher: RunFinisher;
  readonly #staleRunAfterMs: number;
  #initialized: Promise<void> | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(options: AgentRuntimeOptions) {
    this.logger = options.logger ?? consoleLogger;
    this.#defaultDb = options.db ?? new InMemoryDb({ id: 'default' });
    this.#maxPerUser = options.maxConcurrentRunsPerUser ?? Number.POSITIVE_INFINITY;
    this.#finisher = new RunFinisher({ logger: this.logger });
    this.#staleRunAfterMs = options.staleRunAfterMs ?? DEFAULT_STALE_RUN_AFTER_MS;
    if (!(this.#staleRunAfterMs >= 0)) {
      throw new TypeError(`staleRunAfterMs must be a number >= 0, got ${options.staleRunAfterMs}`);
    }
    const agents = new Map<string, AgentEntry>();
    for (const entry of options.agents) {
      if (entry instanceof Agent) assertValidAgentId(entry.id, 'Agent');
      const id = entry.id as string;
      if (agents.has(id)) throw new TypeError(`Two agents are registered with the id '${id}'`);
      agents.set(id, entry);
    }
    this.agents = agents;
    this.#addStore(this.#defaultDb);
    for (const entry of agents.values()) if (entry.db) this.#addStore(entry.db);
  }

  /** Every store runs live in: the default db, each agent's db, and any db a built agent brought. */
  get stores(): readonly Store[] {
    return this.#storeList;
  }

  /** Connects and migrates every store, then ends runs a crashed process left RUNNING; idempotent. */
  init(): Promise<void> {
    this.#initialized ??= Promise.all(this.stores.map((store) => store.init())).then(async () => {
      await endStaleRuns(this.stores, this.#staleRunAfterMs, this.logger);
    });
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
    this.#assertOpen();
    if (typeof request.message !== 'string' || request.message.length === 0) {
      throw new AgentMintError('BAD_REQUEST', '`message` must be a non-empty string');
    }
    assertStorableText(request.message, 'message');
    assertStorableId(request.sessionId, 'sessionId');
    assertStorableId(request.caller.userId, 'userId');
    const userKey = request.caller.userId ?? '';
    const running = this.#runsPerUser.get(userKey) ?? 0;
    if (running >= this.#maxPerUser) throw new TooManyRunsError(this.#maxPerUser);
    this.#runsPerUser.set(userKey, running + 1);
    const controller = new AbortController();
    const launching = this.#launch(entry, request, validatedInput, controller);
    this.#starting.set(controller, launching);
    try {
      const run = await launching;
      void run.done.then(() => {
        this.#active.delete(run.ids.runId);
        this.#release(userKey);
      });
      return run;
    } catch (error) {
      this.#release(userKey);
      // A factory that timed out (or a launch that failed) may still be working: its ctx.signal says stop.
      controller.abort(new RunCancelledSignal('the run did not start'));
      throw error;
    } finally {
      this.#starting.delete(controller);
    }
  }

  /** Session check → resolve (factory) → record → loop. A refused session never builds an agent. */
  async #launch(
    entry: AgentEntry,
    request: StartRunRequest,
    validatedInput: { value: unknown } | undefined,
    controller: AbortController,
  ): Promise<ActiveRun> {
    const { caller, sessionId } = request;
    const store = this.storeOf(entry);
    if (sessionId !== undefined) await this.#assertSessionOwner(store, sessionId, caller);
    const { agent, ctx } = await resolveAgent(entry, {
      userId: caller.userId,
      sessionId,
      runId: newId(),
      factoryInput: request.factoryInput,
      validatedInput,
      trusted: caller.trusted,
      headers: request.headers,
      signal: controller.signal,
      logger: this.logger,
    });
    // The factory may have taken a while: do not start a run the shutdown has already given up on.
    this.#assertOpen();
    const runStore = agent.db ?? store;
    if (runStore !== store) {
      await this.#adoptStore(runStore, ctx.agentId);
      if (sessionId !== undefined) await this.#assertSessionOwner(runStore, sessionId, caller);
    }
    const run = await executeRun({
      agent,
      ctx,
      controller,
      store: runStore,
      message: request.message,
      streamModel: request.streamModel ?? true,
      loadHistory: sessionId !== undefined,
      historyScope: caller.scope,
      factoryInput: ctx.input,
      logger: this.logger,
      finisher: this.#finisher,
    });
    this.#active.set(ctx.runId, run);
    return run;
  }

  #assertOpen(): void {
    if (this.#closing) throw new AgentMintError('SHUTTING_DOWN', 'The server is shutting down');
  }

  async #assertSessionOwner(store: Store, sessionId: string, caller: Caller): Promise<void> {
    if (caller.scope === undefined) return;
    const session = await fromStore(store.getSession(sessionId));
    if (session && session.userId !== caller.scope.userId) {
      // The same answer as for a missing session: never confirm that another user's id exists.
      throw new AgentMintError('SESSION_NOT_FOUND', `No session '${sessionId}'`);
    }
  }

  #addStore(store: Store): void {
    if (this.#stores.has(store)) return;
    this.#stores.add(store);
    this.#storeList = [...this.#stores];
  }

  /** A built agent brought its own db: remember it so this process can find the run later. */
  async #adoptStore(store: Store, agentId: string): Promise<void> {
    if (this.#stores.has(store)) return;
    this.#addStore(store);
    this.logger.warn(
      `agent '${agentId}' records runs in db '${store.id}', which is not registered; ` +
        'its runs and sessions are found only until this process restarts. ' +
        'Pass that db as the factory db to make them permanent.',
    );
    await store.init();
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
    return (await this.#findRun(runId, scope, agentId)).record;
  }

  async #findRun(
    runId: string,
    scope: OwnerScope,
    agentId: string | undefined,
  ): Promise<{ record: RunRecord; store: Store }> {
    // No run can have such an id (they are refused on the way in), and PostgreSQL cannot query it.
    if (!isStorableText(runId)) throw new AgentMintError('RUN_NOT_FOUND', 'No such run');
    // The agent's own store first: with one db per agent, that is the only query.
    const first = agentId === undefined ? undefined : this.storeOf(this.entry(agentId));
    const stores =
      first === undefined ? this.stores : [first, ...this.stores.filter((s) => s !== first)];
    for (const store of stores) {
      const record = await fromStore(store.getRun(runId, scope));
      if (record && (agentId === undefined || record.agentId === agentId)) return { record, store };
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
    const { record, store } = await this.#findRun(runId, scope, agentId);
    if (record.status === 'RUNNING') {
      const cancelled = {
        status: 'CANCELLED',
        content: null,
        metrics: null,
        error: null,
        messages: [],
        updatedAt: new Date(),
      } as const;
      await fromStore(store.finishRun(runId, cancelled));
      return { ...record, ...cancelled };
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
    const { store } = await this.#findRun(runId, options.scope, undefined);
    yield* await fromStore(store.listEvents(runId, options.afterSeq ?? 0, options.scope));
  }

  async listSessions(query: ListSessionsQuery, scope?: OwnerScope): Promise<SessionRecord[]> {
    const stores =
      query.agentId === undefined ? this.stores : [this.storeOf(this.entry(query.agentId))];
    if (stores.length === 1 && stores[0]) return fromStore(stores[0].listSessions(query, scope));
    // Page over the merged list: each store returns its first offset+limit rows, unpaged.
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    const perStore = { ...query, offset: 0, limit: offset + limit };
    const lists = await fromStore(
      Promise.all(stores.map((store) => store.listSessions(perStore, scope))),
    );
    return lists
      .flat()
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
      .slice(offset, offset + limit);
  }

  async getSession(
    sessionId: string,
    scope?: OwnerScope,
  ): Promise<{ session: SessionRecord; runs: RunRecord[] }> {
    if (!isStorableText(sessionId))
      throw new AgentMintError('SESSION_NOT_FOUND', 'No such session');
    for (const store of this.stores) {
      const session = await fromStore(store.getSession(sessionId, scope));
      if (session) return { session, runs: await fromStore(store.listRuns({ sessionId }, scope)) };
    }
    throw new AgentMintError('SESSION_NOT_FOUND', `No session '${sessionId}'`);
  }

  async deleteSession(sessionId: string, scope?: OwnerScope): Promise<void> {
    if (!isStorableText(sessionId))
      throw new AgentMintError('SESSION_NOT_FOUND', 'No such session');
    const deleted = await fromStore(
      Promise.all(this.stores.map((s) => s.deleteSession(sessionId, scope))),
    );
    if (!deleted.includes(true)) {
      throw new AgentMintError('SESSION_NOT_FOUND', `No session '${sessionId}'`);
    }
  }

  async renameSession(sessionId: string, name: string, scope?: OwnerScope): Promise<SessionRecord> {
    if (!isStorableText(sessionId))
      throw new AgentMintError('SESSION_NOT_FOUND', 'No such session');
    assertStorableText(name, 'name');
    for (const store of this.stores) {
      const renamed = await fromStore(store.renameSession(sessionId, name, scope));
      if (renamed) return renamed;
    }
    throw new AgentMintError('SESSION_NOT_FOUND', `No session '${sessionId}'`);
  }

  /**
   * Stops accepting runs (SHUTTING_DOWN), lets live runs finish for up to `graceMs`, cancels the
   * rest, then closes every store. Idempotent: every call gets the same promise.
   */
  close(options: { graceMs?: number } = {}): Promise<void> {
    this.#closed ??= this.#close(options);
    return this.#closed;
  }

  async #close(options: { graceMs?: number }): Promise<void> {
    this.#closing = true;
    const deadline = Date.now() + (options.graceMs ?? 10_000);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), options.graceMs ?? 10_000);
    });
    // Starts already past their first check either register a run or fail with SHUTTING_DOWN.
    const starts = Promise.allSettled(this.#starting.values());
    if ((await Promise.race([starts, expired])) === 'expired') {
      for (const controller of this.#starting.keys()) controller.abort();
    }
    const allDone = Promise.all([...this.#active.values()].map((run) => run.done));
    if ((await Promise.race([allDone, expired])) === 'expired') {
      for (const run of this.#active.values()) run.cancel('server shutting down');
      await allDone;
    }
    clearTimeout(timer);
    // Records still waiting for a store that failed get what is left of the grace period.
    await this.#finisher.drain(Math.max(0, deadline - Date.now()));
    await Promise.all(this.stores.map((store) => store.close()));
  }
}
