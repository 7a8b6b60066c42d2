import { type ActiveRun, RunCancelledSignal } from './activeRun.ts';
import type { AgentRegistry } from './agentRegistry.ts';
import { assertAttachments } from './attachment.ts';
import type { Caller, ContinueRunRequest, StartRunRequest } from './caller.ts';
import { planContinue } from './continuePlan.ts';
import { AgentMintError } from './errors/agentMintError.ts';
import { RunNotFoundError } from './errors/runNotFoundError.ts';
import { SessionNotFoundError } from './errors/sessionNotFoundError.ts';
import { TooManyRunsError } from './errors/tooManyRunsError.ts';
import { executeRun, type RunContinuation } from './executeRun.ts';
import { followStoredRun } from './followRun.ts';
import type { Instrumentation } from './instrumentation/instrumentation.ts';
import type { Logger } from './logger.ts';
import { newId } from './newId.ts';
import { endOrphanRun } from './orphanRun.ts';
import { type AgentEntry, resolveAgentNow } from './resolveAgent.ts';
import type { RunEvent } from './runEvent.ts';
import type { RunFinisher } from './runFinisher.ts';
import { assertStorableId, assertStorableText } from './storableText.ts';
import { isTerminalStatus, type OwnerScope, type RunRecord, type Store } from './store.ts';
import { fromStore } from './storeFailure.ts';
import type { StoreReads } from './storeReads.ts';

/** Where a watch of a run's events starts, whose rows it may see, and when it ends. */
export interface RunEventsOptions {
  afterSeq?: number;
  scope?: OwnerScope;
  /** Cancels a live run once no subscriber is left for this long. */
  cancelAfterMs?: number;
  /** Ends a watch of a run in another process when the watcher leaves. */
  signal?: AbortSignal;
}

export interface RunLifecycleDeps {
  /** This process's id as the owner of the leases of the runs it executes. */
  readonly ownerId: string;
  readonly leaseTtlMs: number;
  /** How long a cancel waits for the process executing the run to end it before ending it itself. */
  readonly cancelWaitMs: number;
  readonly registry: AgentRegistry;
  readonly reads: StoreReads;
  readonly logger: Logger;
  readonly finisher: RunFinisher;
  /** Concurrent runs one user may have; more get TOO_MANY_RUNS. */
  readonly maxRunsPerUser: number;
  /** Traces and measures resolves and runs. */
  readonly instrumentation?: Instrumentation | undefined;
}

/**
 * Runs in this process, from start to end: start (session check → resolve → record → loop),
 * continue, cancel, live events, per-user limits. Shutdown asks it to stop accepting and to list
 * what is still going.
 */
export class RunLifecycle {
  readonly #deps: RunLifecycleDeps;
  readonly #active = new Map<string, ActiveRun>();
  /** The store each live run records into. */
  readonly #storeOf = new Map<string, Store>();
  #unsubscribes: (() => void)[] = [];
  /** Starts between their first check and their registration in #active; shutdown waits for them. */
  readonly #starting = new Map<AbortController, Promise<unknown>>();
  readonly #runsPerUser = new Map<string, number>();
  #closing = false;

  constructor(deps: RunLifecycleDeps) {
    this.#deps = deps;
  }

  get activeRunCount(): number {
    return this.#active.size;
  }

  /** Runs live in this process now. */
  get activeRuns(): Iterable<ActiveRun> {
    return this.#active.values();
  }

  /** This process's live runs, by the store that records them (for lease renewal). */
  activeRunsByStore(): Map<Store, ActiveRun[]> {
    const byStore = new Map<Store, ActiveRun[]>();
    for (const [runId, run] of this.#active) {
      const store = this.#storeOf.get(runId);
      if (!store) continue;
      const runs = byStore.get(store);
      if (runs) runs.push(run);
      else byStore.set(store, [run]);
    }
    return byStore;
  }

  /** Cancel requests from any process reach this process's live runs. */
  listen(stores: readonly Store[]): void {
    for (const store of stores) {
      const off = store.signals?.onCancel((runId) => {
        this.#active.get(runId)?.cancel('cancelled by request');
      });
      if (off) this.#unsubscribes.push(off);
    }
  }

  /** Stops hearing cancel requests (shutdown). */
  unlisten(): void {
    for (const off of this.#unsubscribes.splice(0)) off();
  }

  /** Starts already past their first check, each with the controller that aborts it. */
  get pendingStarts(): ReadonlyMap<AbortController, Promise<unknown>> {
    return this.#starting;
  }

  /** From now on every start fails with SHUTTING_DOWN. */
  stopAccepting(): void {
    this.#closing = true;
  }

  /** Resolves the agent, records the run and starts it; the run emits events until it ends. */
  startRun(request: StartRunRequest): Promise<ActiveRun> {
    // Not async: returning #start's promise from an async function costs two more microtask turns
    // and a promise per run. Its checks still fail as a rejected promise, as an async function would.
    let entry: AgentEntry;
    try {
      entry = this.#deps.registry.entry(request.agentId);
      request.caller.authorizeRun?.(request.agentId);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#start(entry, request, undefined);
  }

  /**
   * Continues a run with Agno's meaning (see `planContinue`): the agent is rebuilt from the run's
   * stored factory input with this request's verified context, then the same run goes on (or a
   * sibling copy, with `fork`). Another user's run is not found; the status moves atomically, so of
   * two concurrent continues one wins and the other gets RUN_NOT_PAUSED.
   */
  async continueRun(request: ContinueRunRequest): Promise<ActiveRun> {
    const { caller } = request;
    const from = await this.#deps.reads.getRun(request.runId, caller.scope);
    // Only its own user continues a run, even where isolation does not filter reads.
    if (
      caller.scope === undefined &&
      caller.userId !== undefined &&
      from.userId !== caller.userId
    ) {
      throw new RunNotFoundError(request.runId);
    }
    const entry = this.#deps.registry.entry(from.agentId);
    caller.authorizeRun?.(from.agentId);
    const plan = planContinue(from, request);
    if (plan.input !== undefined) assertStorableText(plan.input, 'input');
    const resume = {
      messages: from.messages,
      pending: plan.pending,
      decisions: plan.decisions,
      usage: from.pause?.usage ?? { inputTokens: 0, outputTokens: 0 },
    };
    return this.#start(
      entry,
      {
        agentId: from.agentId,
        message: plan.input ?? '',
        caller: { ...caller, userId: from.userId ?? undefined },
        sessionId: from.sessionId,
        ...(request.headers && { headers: request.headers }),
        ...(request.streamModel !== undefined && { streamModel: request.streamModel }),
      },
      { value: from.factoryInput ?? undefined },
      { from, resume, inPlace: request.fork !== true, message: plan.input },
    );
  }

  /** The live run with this id in this process, if it is still going and visible to `scope`. */
  activeRun(runId: string, scope?: OwnerScope): ActiveRun | undefined {
    const run = this.#active.get(runId);
    return run && (scope === undefined || run.ids.userId === scope.userId) ? run : undefined;
  }

  /**
   * Cancels a run without building any agent, whichever process executes it. A run live here ends
   * with RunCancelled; one live in another process (its lease is current) is asked to cancel over
   * the store's signals, and the process executing it aborts its model request and tools; a run
   * no process executes is ended here as CANCELLED. Ended runs are left as they are. Resolves to
   * the row once the run has ended.
   */
  async cancelRun(runId: string, scope?: OwnerScope, agentId?: string): Promise<RunRecord> {
    const active = this.activeRun(runId, scope);
    if (active && (agentId === undefined || active.ids.agentId === agentId)) {
      active.cancel('cancelled by request');
      await active.done;
      return this.#deps.reads.getRun(runId, scope, agentId);
    }
    const { record, store } = await this.#deps.reads.findRun(runId, scope, agentId);
    if (isTerminalStatus(record.status)) return record;
    const lease = record.lease;
    if (
      store.signals &&
      lease &&
      lease.ownerId !== this.#deps.ownerId &&
      lease.expiresAt.getTime() > Date.now()
    ) {
      await fromStore(store.signals.notifyCancel(runId));
      const ended = await waitForEnd(store, runId, scope, this.#deps.cancelWaitMs);
      if (ended) return ended;
      this.#deps.logger.warn(
        'the process executing the run did not end it in time; ending it here',
        { runId },
      );
    }
    const ending = { event: 'RunCancelled', reason: 'cancelled by request' } as const;
    await fromStore(endOrphanRun(store, record, ending));
    // Whoever ended it first (this cancel or the run itself) decided the status.
    return (await fromStore(store.getRun(runId, scope))) ?? record;
  }

  /**
   * The run's events after `afterSeq`: live from memory while it runs in this process, else from
   * its store. `cancelAfterMs` cancels a live run once no subscriber is left for that long.
   */
  async *events(runId: string, options: RunEventsOptions = {}): AsyncGenerator<RunEvent> {
    const active = this.activeRun(runId, options.scope);
    const afterSeq = options.afterSeq ?? 0;
    if (active && afterSeq >= active.firstSeq) {
      yield* active.subscribe(afterSeq, options.cancelAfterMs);
      return;
    }
    // Live in another process, ended, or a watch from before a pause of a run continued here:
    // stored events, then live ones as they are written (the watch ends at the pause).
    const { store } = await this.#deps.reads.findRun(runId, options.scope);
    yield* followStoredRun(store, runId, {
      afterSeq,
      scope: options.scope,
      ...(options.signal && { signal: options.signal }),
    });
  }

  /** Cancels this process's live runs in `sessionId` and waits until each has ended. */
  async cancelSessionRuns(sessionId: string, scope: OwnerScope): Promise<void> {
    const live = [...this.#active.values()].filter(
      (run) =>
        run.ids.sessionId === sessionId && (scope === undefined || run.ids.userId === scope.userId),
    );
    for (const run of live) run.cancel('its session was deleted');
    await Promise.all(live.map((run) => run.done));
  }

  async #start(
    entry: AgentEntry,
    request: StartRunRequest,
    validatedInput: { value: unknown } | undefined,
    continuation?: Continuation,
  ): Promise<ActiveRun> {
    this.#assertOpen();
    if (!continuation) {
      if (typeof request.message !== 'string' || request.message.length === 0) {
        throw new AgentMintError('BAD_REQUEST', '`message` must be a non-empty string');
      }
      assertStorableText(request.message, 'message');
    }
    if (request.attachments) assertAttachments(request.attachments);
    assertStorableId(request.sessionId, 'sessionId');
    assertStorableId(request.caller.userId, 'userId');
    const userKey = request.caller.userId ?? '';
    const running = this.#runsPerUser.get(userKey) ?? 0;
    if (running >= this.#deps.maxRunsPerUser) throw new TooManyRunsError(this.#deps.maxRunsPerUser);
    this.#runsPerUser.set(userKey, running + 1);
    const controller = new AbortController();
    const launching = this.#launch(entry, request, validatedInput, controller, continuation);
    this.#starting.set(controller, launching);
    try {
      const run = await launching;
      void run.done.then(() => {
        // A continue may have registered the run's next segment under the same id already.
        if (this.#active.get(run.ids.runId) === run) {
          this.#active.delete(run.ids.runId);
          this.#storeOf.delete(run.ids.runId);
        }
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
    continuation: Continuation | undefined,
  ): Promise<ActiveRun> {
    const { registry, logger, finisher, instrumentation } = this.#deps;
    const { caller, sessionId } = request;
    const store = registry.storeOf(entry);
    if (sessionId !== undefined) await assertSessionOwner(store, sessionId, caller);
    const resolving = resolveAgentNow(entry, {
      userId: caller.userId,
      sessionId,
      runId: continuation?.inPlace ? continuation.from.runId : newId(),
      factoryInput: request.factoryInput,
      validatedInput,
      trusted: caller.trusted,
      headers: request.headers,
      signal: controller.signal,
      logger,
      instrumentation,
    });
    // A sync factory's agent comes without a microtask turn (see `resolveAgentNow`).
    // Any thenable is awaited (an instrumentation's wrapper need not return a native promise).
    const { agent, ctx } = 'then' in resolving ? await resolving : resolving;
    // The factory may have taken a while: do not start a run the shutdown has already given up on.
    this.#assertOpen();
    const runStore = agent.db ?? store;
    if (runStore !== store) {
      await registry.adopt(runStore, ctx.agentId, logger);
      if (sessionId !== undefined) await assertSessionOwner(runStore, sessionId, caller);
    }
    const run = await executeRun({
      agent,
      ctx,
      controller,
      store: runStore,
      message: continuation ? continuation.message : request.message,
      attachments: request.attachments,
      continuation,
      streamModel: request.streamModel ?? true,
      loadHistory: sessionId !== undefined,
      historyScope: caller.scope,
      factoryInput: ctx.input,
      logger,
      finisher,
      instrumentation,
      lease: { ownerId: this.#deps.ownerId, ttlMs: this.#deps.leaseTtlMs },
    });
    this.#active.set(ctx.runId, run);
    this.#storeOf.set(ctx.runId, runStore);
    return run;
  }

  #assertOpen(): void {
    if (this.#closing) throw new AgentMintError('SHUTTING_DOWN', 'The server is shutting down');
  }

  #release(userKey: string): void {
    const left = (this.#runsPerUser.get(userKey) ?? 1) - 1;
    if (left <= 0) this.#runsPerUser.delete(userKey);
    else this.#runsPerUser.set(userKey, left);
  }
}

/** A continue's run: where it goes on from, and its optional new user message. */
interface Continuation extends RunContinuation {
  readonly message: string | undefined;
}

/** The run's row once it has ended, or undefined after `timeoutMs`; woken by the store's signals. */
async function waitForEnd(
  store: Store,
  runId: string,
  scope: OwnerScope,
  timeoutMs: number,
): Promise<RunRecord | undefined> {
  const deadline = Date.now() + timeoutMs;
  let wake: (() => void) | undefined;
  const off = store.signals?.subscribeEvents(runId, () => wake?.());
  try {
    while (true) {
      const record = await fromStore(store.getRun(runId, scope));
      if (!record || isTerminalStatus(record.status)) return record;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    off?.();
  }
}

async function assertSessionOwner(store: Store, sessionId: string, caller: Caller): Promise<void> {
  if (caller.scope === undefined) return;
  const session = await fromStore(store.getSession(sessionId));
  // The same answer as for a missing session: never confirm that another user's id exists.
  if (session && session.userId !== caller.scope.userId) throw new SessionNotFoundError(sessionId);
}
