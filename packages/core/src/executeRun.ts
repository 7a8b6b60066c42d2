import { ActiveRun, RunCancelledSignal } from './activeRun.ts';
import type { Agent } from './agent.ts';
import type { Attachment } from './attachment.ts';
import { AgentMintError } from './errors/agentMintError.ts';
import { SessionNotFoundError } from './errors/sessionNotFoundError.ts';
import { EventWriter } from './eventWriter.ts';
import type { CallScope, Instrumentation } from './instrumentation/instrumentation.ts';
import type { Logger } from './logger.ts';
import type { Message } from './message.ts';
import type { RequestContext } from './requestContext.ts';
import {
  isTerminalRunEvent,
  type PendingToolCall,
  type RunEvent,
  type RunPausedEvent,
  type TerminalRunEvent,
} from './runEvent.ts';
import { type FinishOutcome, RunFinisher, type UnfinishedRun } from './runFinisher.ts';
import { type LoopResume, type RunLoopResult, runAgentLoop, userMessageOf } from './runLoop.ts';
import type { RunMetrics } from './runMetrics.ts';
import { type RunOutput, toRunOutput } from './runOutput.ts';
import type {
  OwnerScope,
  PausedRunResult,
  RunErrorInfo,
  RunLease,
  RunRecord,
  RunResult,
  Store,
} from './store.ts';
import { fromStore } from './storeFailure.ts';
import { errorSummary, logUnexpectedError } from './unexpectedError.ts';

/** A run that goes on from a pause (or a completed answer) instead of starting afresh. */
export interface RunContinuation {
  /** The run as it was read when the continue was checked. */
  readonly from: RunRecord;
  readonly resume: LoopResume;
  /** True: that same run goes on (its id, its seq); false: a sibling run copies it (fork). */
  readonly inPlace: boolean;
}

export interface ExecuteRunOptions {
  readonly agent: Agent;
  readonly ctx: RequestContext;
  readonly controller: AbortController;
  readonly store: Store;
  /** The user's message; a continuation may have none (then only tool results go on). */
  readonly message: string | undefined;
  readonly continuation?: RunContinuation | undefined;
  readonly attachments?: readonly Attachment[] | undefined;
  readonly streamModel: boolean;
  /** Load earlier runs of the session as history (false for a session minted for this run). */
  readonly loadHistory: boolean;
  readonly historyScope: OwnerScope;
  readonly factoryInput: unknown;
  readonly logger: Logger;
  /** The lease this process takes on the run (heartbeats renew it); none for a store without leases. */
  readonly lease?: { readonly ownerId: string; readonly ttlMs: number } | undefined;
  /** Takes over runs whose record could not be finished (store down), retrying in the background. */
  readonly finisher?: RunFinisher | undefined;
  /** Observes the run's events and store writes (spans, metrics). */
  readonly instrumentation?: Instrumentation | undefined;
}

/**
 * Records the run as RUNNING (awaited: an accepted run always has a row), then drives the loop in
 * the background. The returned run emits events live; `done` resolves when its row is final.
 */
export async function executeRun(given: ExecuteRunOptions): Promise<ActiveRun> {
  const { agent, ctx } = given;
  const userId = ctx.userId ?? null;
  const ids = { runId: ctx.runId, sessionId: ctx.sessionId, agentId: ctx.agentId, userId };
  const observer = given.instrumentation?.observeRun({ ids, model: agent.model });
  const store = observer?.wrapStore?.(given.store) ?? given.store;
  const options = store === given.store ? given : { ...given, store };
  const continuation = options.continuation;
  const inPlace = continuation?.inPlace === true;
  // One timestamp for the row and the output, so `runs.get` and the run result agree.
  const createdAt = inPlace ? continuation.from.createdAt : new Date();
  const now = Date.now();
  const lease = options.lease && {
    ownerId: options.lease.ownerId,
    expiresAt: new Date(now + options.lease.ttlMs),
  };
  let firstSeq = 0;
  try {
    if (inPlace) {
      firstSeq = await claimRun(store, continuation.from, { lease, updatedAt: new Date(now) });
    } else {
      await store.createRun({
        runId: ctx.runId,
        sessionId: ctx.sessionId,
        agentId: ctx.agentId,
        userId,
        input: options.message ?? continuation?.from.input ?? '',
        factoryInput: options.factoryInput ?? null,
        model: agent.model.id,
        modelProvider: agent.model.provider,
        createdAt,
        ...(lease && { lease }),
      });
    }
  } catch (error) {
    observer?.onStartFailed(error);
    // The session is another user's (the store checks atomically): the same 404 as any such id;
    // another continue took the run first: 409.
    if (error instanceof SessionNotFoundError || error instanceof AgentMintError) throw error;
    options.logger.error('could not record the run', { runId: ctx.runId, ...errorSummary(error) });
    throw new AgentMintError('STORE_UNAVAILABLE', 'The database is unavailable; retry shortly', {
      cause: error,
    });
  }
  const run = new ActiveRun(
    ids,
    options.controller,
    new EventWriter(store, ctx.runId, options.logger),
    observer,
    firstSeq,
  );
  // Bound once per run: the loop calls it for every model pull and tool call.
  const within = observer?.within?.bind(observer);
  drive(run, options, createdAt, within).catch((error: unknown) => {
    // Not reachable by design (drive catches what the loop throws); never leave `done` hanging.
    logUnexpectedError(options.logger, 'run driver failed', error, { runId: ctx.runId });
    const result = finished('ERROR', null, null, INTERNAL_ERROR, []);
    run.settle(toOutput(run, result, createdAt, agent));
  });
  return run;
}

const INTERNAL_ERROR: RunErrorInfo = {
  code: 'INTERNAL',
  message: 'The run failed; see the server logs',
};

/**
 * Takes the paused (or completed) run back to RUNNING with this process's lease, atomically: the
 * loser of two concurrent continues gets RUN_NOT_PAUSED. Resolves to the seq of its last event.
 */
async function claimRun(
  store: Store,
  from: RunRecord,
  claim: { lease: RunLease | undefined; updatedAt: Date },
): Promise<number> {
  const status = from.status === 'PAUSED' ? 'PAUSED' : 'COMPLETED';
  const won = await store.resumeRun(from.runId, { from: status, ...claim });
  if (!won) {
    throw new AgentMintError(
      'RUN_NOT_PAUSED',
      `Run '${from.runId}' is no longer ${status}: another continue or a cancel came first`,
    );
  }
  const events = await fromStore(store.listEvents(from.runId, 0));
  return events.at(-1)?.seq ?? 0;
}

async function drive(
  run: ActiveRun,
  options: ExecuteRunOptions,
  createdAt: Date,
  within: CallScope | undefined,
): Promise<void> {
  const { agent, ctx, store, logger } = options;
  const started = performance.now();
  const continuation = options.continuation;
  if (continuation?.inPlace) run.emit({ event: 'RunContinued' });
  else
    run.emit({ event: 'RunStarted', model: agent.model.id, modelProvider: agent.model.provider });
  let result: RunResult;
  let terminal: RunEvent;
  // The loop's messages once it has returned; a run that fails before keeps what it started with.
  let messages: readonly Message[] | undefined;
  try {
    const history = options.loadHistory && agent.historyRuns > 0 ? await loadHistory(options) : [];
    const loop: RunLoopResult = await runAgentLoop({
      agent,
      ctx,
      history,
      message: options.message,
      attachments: options.attachments,
      resume: continuation?.resume,
      streamModel: options.streamModel,
      emit: (draft) => run.emit(draft),
      within,
    });
    messages = loop.messages;
    if (loop.kind === 'paused') {
      await pause(run, options, loop, createdAt);
      return;
    }
    const metrics: RunMetrics = {
      duration: (performance.now() - started) / 1000,
      timeToFirstToken: loop.timeToFirstTokenMs === null ? null : loop.timeToFirstTokenMs / 1000,
      inputTokens: loop.usage.inputTokens,
      outputTokens: loop.usage.outputTokens,
      totalTokens: loop.usage.inputTokens + loop.usage.outputTokens,
    };
    // No spreads of `finished` and a `structured` part: the same fields, in the same order.
    if (agent.outputSchema) {
      const output = loop.output;
      terminal = run.emit({ event: 'RunCompleted', content: loop.content, output, metrics });
      result = {
        status: 'COMPLETED',
        content: loop.content,
        metrics,
        error: null,
        messages,
        updatedAt: new Date(),
        output,
      };
    } else {
      terminal = run.emit({ event: 'RunCompleted', content: loop.content, metrics });
      result = finished('COMPLETED', loop.content, metrics, null, messages);
    }
  } catch (error) {
    const reason = ctx.signal.reason;
    if (ctx.signal.aborted) {
      const text = reason instanceof RunCancelledSignal ? reason.message : 'cancelled';
      terminal = run.emit({ event: 'RunCancelled', reason: text });
      result = finished('CANCELLED', null, null, null, messages ?? startingMessages(options));
    } else {
      const info = describeRunError(error);
      logUnexpectedError(logger, 'run failed', error, { runId: ctx.runId, agentId: ctx.agentId });
      terminal = run.emit({ event: 'RunError', error: info });
      result = finished('ERROR', null, null, info, messages ?? startingMessages(options));
    }
  }
  const unfinished: UnfinishedRun = {
    runId: ctx.runId,
    store,
    flush: () => run.flush(),
    issueEvents: () => run.issueEvents(),
    result,
    terminalEvent: terminal as TerminalRunEvent,
  };
  // The first attempt directly: the retry loop's frame is paid only by a run whose store failed.
  let outcome = await RunFinisher.tryFinish(unfinished);
  if (outcome === 'failed') outcome = await finishWithRetry(unfinished, 2);
  if (outcome === 'refused') RunFinisher.logRefused(logger, ctx.runId);
  else if (outcome === 'failed' || outcome === 'events-missing') {
    if (options.finisher) options.finisher.defer(unfinished, outcome === 'events-missing');
    else logger.error('could not finish the run record', { runId: ctx.runId });
  }
  if (outcome === 'superseded') {
    // Ended elsewhere first (a cancel, an expired lease): the stored status is the run's outcome.
    logger.warn('the run had already been ended elsewhere; its status stands', {
      runId: ctx.runId,
    });
    if (await settleAsStored(run, store)) return;
  }
  run.settle(toOutput(run, result, createdAt, agent));
}

/** What a run that failed before its loop returned keeps: what it started with. */
function startingMessages(options: ExecuteRunOptions): readonly Message[] {
  const messages = [...(options.continuation?.resume.messages ?? [])];
  if (options.message !== undefined) {
    messages.push(userMessageOf(options.message, options.attachments));
  }
  return messages;
}

/**
 * Settles a run that was ended elsewhere first as the store has it: its live watchers get the
 * stored ending. False when the row cannot be read (the caller settles with its own outcome).
 */
async function settleAsStored(run: ActiveRun, store: Store): Promise<boolean> {
  const record = await store.getRun(run.ids.runId).catch(() => undefined);
  if (!record) return false;
  const storedEnding = await storedEndingOf(store, run.ids.runId);
  if (storedEnding) run.endedElsewhere(storedEnding);
  run.settle(toRunOutput(record));
  return true;
}

/** The terminal event the store holds for a run ended elsewhere; undefined if it cannot be read. */
async function storedEndingOf(store: Store, runId: string): Promise<RunEvent | undefined> {
  const stored = await store.listEvents(runId, 0).catch(() => []);
  return stored.findLast(isTerminalRunEvent);
}

async function loadHistory(options: ExecuteRunOptions): Promise<readonly Message[]> {
  const { ctx, agent } = options;
  try {
    // A fork copies its source's messages: the source must not come again as history.
    const excludeRunId = options.continuation?.from.runId ?? ctx.runId;
    return await options.store.loadHistory(
      ctx.sessionId,
      { runs: agent.historyRuns, excludeRunId },
      options.historyScope,
    );
  } catch (error) {
    throw new AgentMintError(
      'STORE_UNAVAILABLE',
      'Could not load the session history; retry shortly',
      {
        cause: error,
      },
    );
  }
}

function finished(
  status: RunResult['status'],
  content: string | null,
  metrics: RunMetrics | null,
  error: RunErrorInfo | null,
  messages: readonly Message[],
): RunResult {
  return { status, content, metrics, error, messages, updatedAt: new Date() };
}

/**
 * Ends the segment with RunPaused: events first, then the PAUSED row with the pending calls and
 * the event in one write (retried over ~3 s). A pause the store never takes leaves the run
 * RUNNING with a lease nobody renews, so the sweep ends it RUN_INTERRUPTED: never a silent loss.
 */
async function pause(
  run: ActiveRun,
  options: ExecuteRunOptions,
  loop: Extract<RunLoopResult, { kind: 'paused' }>,
  createdAt: Date,
): Promise<void> {
  const { ctx, store, logger, agent } = options;
  const event = run.emit({ event: 'RunPaused', tools: loop.pending }) as RunPausedEvent;
  const result: PausedRunResult = {
    pause: { pending: loop.pending, usage: loop.usage },
    messages: loop.messages,
    updatedAt: new Date(),
  };
  let paused: boolean | undefined;
  for (let attempt = 1; attempt <= 5 && paused === undefined; attempt++) {
    try {
      await run.flush();
      paused = await store.pauseRun(ctx.runId, result, event);
    } catch (error) {
      if (attempt === 5) {
        logger.error('could not record the pause', { runId: ctx.runId, ...errorSummary(error) });
      } else await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
  if (paused === false) {
    // Ended elsewhere first (a cancel): the stored status is the run's outcome.
    if (await settleAsStored(run, store)) return;
  }
  run.settle({
    ...toOutput(run, finished('COMPLETED', null, null, null, loop.messages), createdAt, agent),
    status: 'PAUSED',
    pendingTools: loop.pending satisfies readonly PendingToolCall[],
  });
}

/** What a client may learn about a failed run: a stable code and a message without internals. */
function describeRunError(error: unknown): RunErrorInfo {
  if (error instanceof AgentMintError) return { code: error.code, message: error.publicMessage };
  return { code: 'MODEL_ERROR', message: 'The model request failed; see the server logs' };
}

/** Events, then the terminal row; retried over ~3 s while the row cannot be written. */
async function finishWithRetry(run: UnfinishedRun, fromAttempt = 1): Promise<FinishOutcome> {
  let outcome: FinishOutcome = 'failed';
  for (let attempt = fromAttempt; attempt <= 5; attempt++) {
    // Attempt n waits 100 × 2^(n−1) ms after the failed attempt n−1.
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
    outcome = await RunFinisher.tryFinish(run);
    if (outcome !== 'failed') return outcome;
  }
  return outcome;
}

function toOutput(run: ActiveRun, result: RunResult, createdAt: Date, agent: Agent): RunOutput {
  return {
    ...run.ids,
    status: result.status,
    content: result.content,
    output: result.output ?? null,
    contentType: 'str',
    model: agent.model.id,
    modelProvider: agent.model.provider,
    metrics: result.metrics,
    error: result.error,
    messages: result.messages,
    createdAt,
  };
}
