import {
  type ActiveRun,
  AgentNotFoundError,
  type AgentRuntime,
  isStorableId,
  newId,
  type RunEvent,
  RunNotFoundError,
  type RunRecord,
  SessionNotFoundError,
  type SessionRecord,
} from '@agentmint/core';
import type { AgentInfo } from '../agentInfo.ts';
import type { AgentMintRequestState } from '../context.ts';
import type {
  AgentRef,
  ContinueRunInput,
  CreateSessionInput,
  ForkSessionInput,
  ListSessionsInput,
  RenameSessionInput,
  RunRef,
  SessionFilterInput,
  SessionRef,
  SessionRunRef,
  StartRunInput,
  UpdateSessionInput,
  WatchRunInput,
} from './operationRequests.ts';
import {
  assertAgentIdShape,
  assertIntegerIn,
  assertSessionName,
  MAX_PAGE_SIZE,
} from './requestLimits.ts';

export interface AgentOperationsDeps {
  readonly runtime: AgentRuntime;
  readonly infos: ReadonlyMap<string, AgentInfo>;
}

/**
 * Everything a client can ask of AgentOS, transport-neutral. Each operation takes the verified
 * caller and a typed request and does every check once — ids and limits, scopes, ownership,
 * existence — so REST, tRPC, AG-UI and MCP only translate shapes and errors.
 */
export class AgentOperations {
  readonly #runtime: AgentRuntime;
  readonly #infos: ReadonlyMap<string, AgentInfo>;

  constructor(deps: AgentOperationsDeps) {
    this.#runtime = deps.runtime;
    this.#infos = deps.infos;
  }

  /** The agents this caller may read or run; never calls a factory. */
  listAgents(caller: AgentMintRequestState): AgentInfo[] {
    return [...this.#infos.values()].filter((info) => caller.access.canReadAgent(info.id));
  }

  /** One agent's description; AGENT_NOT_FOUND for unknown ids and for agents hidden from the caller. */
  getAgent(caller: AgentMintRequestState, request: AgentRef): AgentInfo {
    const info = this.#infos.get(request.agentId);
    if (!info || !caller.access.canReadAgent(request.agentId)) {
      throw new AgentNotFoundError(request.agentId);
    }
    return info;
  }

  /** The checks of `startRun` that need no request body: the agent exists and the caller may run it. */
  authorizeStart(caller: AgentMintRequestState, request: AgentRef): void {
    assertAgentIdShape(request.agentId);
    this.#runtime.registry.entry(request.agentId);
    caller.access.assertCanRun(request.agentId);
  }

  /** Checks the agent and the right to run it, then resolves the factory and starts the run. */
  startRun(caller: AgentMintRequestState, request: StartRunInput): Promise<ActiveRun> {
    this.authorizeStart(caller, request);
    return this.#runtime.lifecycle.startRun({
      agentId: request.agentId,
      message: request.message,
      caller: caller.access.callerFor(request.userId),
      sessionId: request.sessionId,
      factoryInput: request.factoryInput,
      ...(request.attachments && { attachments: request.attachments }),
      headers: caller.headers,
      ...(request.streamModel !== undefined && { streamModel: request.streamModel }),
    });
  }

  /** A run the caller may see (`sessions:read`). */
  getRun(caller: AgentMintRequestState, request: RunRef): Promise<RunRecord> {
    caller.access.require('sessions:read');
    return this.#findRun(caller, request);
  }

  /** Cancels a run the caller may see and run; never builds an agent. */
  async cancelRun(caller: AgentMintRequestState, request: RunRef): Promise<RunRecord> {
    const record = await this.#findRun(caller, request);
    caller.access.assertCanRun(record.agentId);
    return this.#runtime.lifecycle.cancelRun(record.runId, caller.access.scope, record.agentId);
  }

  /**
   * Continues a run the caller may see and run, with Agno's meaning (core's `planContinue`): the
   * agent is rebuilt from the run's stored factory input with this caller's verified context.
   */
  async continueRun(caller: AgentMintRequestState, request: ContinueRunInput): Promise<ActiveRun> {
    const record = await this.#findRun(caller, request);
    // A session named by the client must be the run's; otherwise the run is not found there.
    if (request.sessionId !== undefined && request.sessionId !== record.sessionId) {
      throw new RunNotFoundError(request.runId);
    }
    caller.access.assertCanRun(record.agentId);
    return this.#runtime.lifecycle.continueRun({
      runId: record.runId,
      tools: request.tools,
      input: request.input,
      fork: request.fork,
      caller: caller.access.callerFor(request.userId),
      headers: caller.headers,
      ...(request.streamModel !== undefined && { streamModel: request.streamModel }),
    });
  }

  /**
   * The run's events after `afterSeq`, live while it runs. Every check happens before this
   * resolves, so a transport can answer an error status before it starts a stream.
   */
  async watchRun(
    caller: AgentMintRequestState,
    request: WatchRunInput,
  ): Promise<AsyncGenerator<RunEvent>> {
    const afterSeq = request.afterSeq ?? 0;
    assertIntegerIn(afterSeq, 'afterSeq', 0, Number.MAX_SAFE_INTEGER);
    // Live in this process and visible to the caller: its row exists (it is written before a run
    // goes live), so the watch needs no store read.
    const active = this.#activeRun(caller, request);
    if (active && afterSeq >= active.firstSeq) {
      caller.access.assertCanRun(active.ids.agentId);
      return active.subscribe(afterSeq, request.cancelAfterMs);
    }
    const record = await this.#findRun(caller, request);
    caller.access.assertCanRun(record.agentId);
    return this.#runtime.lifecycle.events(record.runId, {
      afterSeq,
      scope: caller.access.scope,
      ...(request.cancelAfterMs !== undefined && { cancelAfterMs: request.cancelAfterMs }),
      ...(request.signal && { signal: request.signal }),
    });
  }

  listSessions(
    caller: AgentMintRequestState,
    request: ListSessionsInput = {},
  ): Promise<SessionRecord[]> {
    caller.access.require('sessions:read');
    if (request.limit !== undefined) assertIntegerIn(request.limit, 'limit', 1, MAX_PAGE_SIZE);
    if (request.offset !== undefined) {
      assertIntegerIn(request.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
    }
    return this.#runtime.reads.listSessions(
      {
        ...sessionFilter(request),
        ...(request.limit !== undefined && { limit: request.limit }),
        ...(request.offset !== undefined && { offset: request.offset }),
        ...(request.sortBy !== undefined && { sortBy: request.sortBy }),
        ...(request.sortOrder !== undefined && { sortOrder: request.sortOrder }),
      },
      caller.access.scope,
    );
  }

  /** How many sessions `listSessions` pages over for this caller and filter. */
  countSessions(caller: AgentMintRequestState, request: SessionFilterInput = {}): Promise<number> {
    caller.access.require('sessions:read');
    return this.#runtime.reads.countSessions(sessionFilter(request), caller.access.scope);
  }

  /** An empty session of an agent the caller may read, owned by the caller (`sessions:write`). */
  createSession(
    caller: AgentMintRequestState,
    request: CreateSessionInput,
  ): Promise<SessionRecord> {
    caller.access.require('sessions:write');
    this.getAgent(caller, { agentId: request.agentId });
    if (request.name !== undefined) assertSessionName(request.name);
    return this.#runtime.reads.createSession({
      sessionId: request.sessionId ?? newId(),
      agentId: request.agentId,
      userId: caller.access.callerFor(request.userId).userId ?? null,
      name: request.name ?? null,
      state: request.state ?? {},
      createdAt: new Date(),
    });
  }

  /** Changes the name and/or state of a session the caller owns (`sessions:write`). */
  updateSession(
    caller: AgentMintRequestState,
    request: UpdateSessionInput,
  ): Promise<SessionRecord> {
    caller.access.require('sessions:write');
    assertSessionIdShape(request.sessionId);
    if (request.name !== undefined) assertSessionName(request.name);
    return this.#runtime.reads.updateSession(
      request.sessionId,
      {
        ...(request.name !== undefined && { name: request.name }),
        ...(request.state !== undefined && { state: request.state }),
      },
      caller.access.scope,
    );
  }

  /**
   * Copies a session the caller may see into a new session (`sessions:read` and `sessions:write`):
   * its finished and paused runs under new ids, with their factory input, events and messages.
   * Another user's session, or one of another agent than the route names, is SESSION_NOT_FOUND.
   */
  async forkSession(
    caller: AgentMintRequestState,
    request: ForkSessionInput,
  ): Promise<SessionRecord> {
    caller.access.require('sessions:read');
    caller.access.require('sessions:write');
    assertSessionIdShape(request.sessionId);
    if (request.name !== undefined) assertSessionName(request.name);
    const scope = caller.access.scope;
    // The agent must be one the caller may read, as for a new session; found from the session
    // when the request does not name it.
    const agentId =
      request.agentId ??
      (await this.#runtime.reads.getSession(request.sessionId, scope)).session.agentId;
    this.getAgent(caller, { agentId });
    return this.#runtime.reads.forkSession(
      {
        fromSessionId: request.sessionId,
        agentId,
        sessionId: newId(),
        name: request.name ?? null,
        createdAt: new Date(),
      },
      scope,
    );
  }

  /** A run of a session, when both are visible to the caller (`sessions:read`). */
  async getSessionRun(caller: AgentMintRequestState, request: SessionRunRef): Promise<RunRecord> {
    const run = await this.getRun(caller, { runId: request.runId });
    // A run of another session answers as a missing one.
    if (run.sessionId !== request.sessionId) throw new RunNotFoundError(request.runId);
    return run;
  }

  getSession(
    caller: AgentMintRequestState,
    request: SessionRef,
  ): Promise<{ session: SessionRecord; runs: RunRecord[] }> {
    caller.access.require('sessions:read');
    assertSessionIdShape(request.sessionId);
    return this.#runtime.reads.getSession(request.sessionId, caller.access.scope);
  }

  renameSession(
    caller: AgentMintRequestState,
    request: RenameSessionInput,
  ): Promise<SessionRecord> {
    caller.access.require('sessions:write');
    assertSessionIdShape(request.sessionId);
    assertSessionName(request.name);
    return this.#runtime.reads.renameSession(request.sessionId, request.name, caller.access.scope);
  }

  /** Deletes a session the caller owns; its live runs here are cancelled first. */
  async deleteSession(caller: AgentMintRequestState, request: SessionRef): Promise<void> {
    caller.access.require('sessions:delete');
    assertSessionIdShape(request.sessionId);
    await this.#runtime.deleteSession(request.sessionId, caller.access.scope);
  }

  /** The run live in this process, as `#findRun` would find it (same id checks and scope), if any. */
  #activeRun(caller: AgentMintRequestState, request: RunRef): ActiveRun | undefined {
    if (!isStorableId(request.runId)) throw new RunNotFoundError(request.runId);
    if (request.agentId !== undefined) assertAgentIdShape(request.agentId);
    const active = this.#runtime.lifecycle.activeRun(request.runId, caller.access.scope);
    return active && (request.agentId === undefined || active.ids.agentId === request.agentId)
      ? active
      : undefined;
  }

  /** The run if it exists, is visible to the caller, and belongs to `agentId` when one is named. */
  #findRun(caller: AgentMintRequestState, request: RunRef): Promise<RunRecord> {
    if (!isStorableId(request.runId)) throw new RunNotFoundError(request.runId);
    if (request.agentId !== undefined) assertAgentIdShape(request.agentId);
    return this.#runtime.reads.getRun(request.runId, caller.access.scope, request.agentId);
  }
}

/** The store filter of a list or count request, its ids checked for shape. */
function sessionFilter(request: SessionFilterInput) {
  if (request.agentId !== undefined) assertAgentIdShape(request.agentId);
  return {
    ...(request.agentId !== undefined && { agentId: request.agentId }),
    ...(request.userId !== undefined && { userId: request.userId }),
    ...(request.nameContains !== undefined && { nameContains: request.nameContains }),
  };
}

function assertSessionIdShape(sessionId: string): void {
  if (!isStorableId(sessionId)) throw new SessionNotFoundError(sessionId);
}
