import { RunNotFoundError } from './errors/runNotFoundError.ts';
import { SessionExistsError } from './errors/sessionExistsError.ts';
import { SessionNotFoundError } from './errors/sessionNotFoundError.ts';
import { LocalRunSignals } from './localRunSignals.ts';
import type { Message } from './message.ts';
import { newId } from './newId.ts';
import type { RunEvent, RunPausedEvent, TerminalRunEvent } from './runEvent.ts';
import { compareSessions } from './sessionOrder.ts';
import {
  type HistoryQuery,
  isTerminalStatus,
  type ListRunsQuery,
  type ListSessionsQuery,
  type NewRunRecord,
  type NewSessionRecord,
  type OwnerScope,
  type PausedRunResult,
  type ResumeClaim,
  type RunRecord,
  type RunResult,
  type RunStatus,
  type SessionFilter,
  type SessionFork,
  type SessionPatch,
  type SessionRecord,
  type StaleRunsQuery,
  type Store,
} from './store.ts';

interface StoredRun {
  record: RunRecord;
  events: RunEvent[];
}

/** A Store in process memory: for tests, benchmarks and agents that need no durable history. */
export class InMemoryDb implements Store {
  readonly id: string;
  readonly signals = new LocalRunSignals();
  /** Every write takes effect when it is issued. */
  readonly ordersWrites: boolean = true;
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #runs = new Map<string, StoredRun>();
  /** Runs still RUNNING or PENDING: a lease sweep looks at these, not at every run ever kept. */
  readonly #executing = new Set<StoredRun>();

  constructor(options: { id?: string } = {}) {
    this.id = options.id ?? `memory-${newId()}`;
  }

  async init(): Promise<void> {}
  async close(): Promise<void> {}

  async createRun(run: NewRunRecord): Promise<void> {
    const session = this.#sessions.get(run.sessionId);
    // Checked and created in one step (no await between): never a session of mixed owners.
    if (session && session.userId !== run.userId) throw new SessionNotFoundError(run.sessionId);
    if (!session) {
      this.#sessions.set(run.sessionId, {
        sessionId: run.sessionId,
        agentId: run.agentId,
        userId: run.userId,
        name: null,
        state: {},
        createdAt: run.createdAt,
        updatedAt: run.createdAt,
      });
    }
    const record = keptRecord(run, {
      status: 'RUNNING',
      pause: null,
      content: null,
      output: null,
      metrics: null,
      error: null,
      messages: [],
      updatedAt: run.createdAt,
    });
    const stored: StoredRun = { record, events: [] };
    this.#runs.set(run.runId, stored);
    this.#executing.add(stored);
  }

  async appendEvents(runId: string, events: readonly RunEvent[]): Promise<void> {
    const stored = this.#runs.get(runId);
    if (!stored) throw new RunNotFoundError(runId);
    this.#append(stored, events);
    const last = events.at(-1);
    if (last) this.signals.eventsStored(runId, last.seq);
  }

  /** Keeps events ordered by seq; a seq already held is left as it is (as the SQL primary key does). */
  #append(stored: StoredRun, events: readonly RunEvent[]): void {
    for (const event of events) {
      const last = stored.events.at(-1);
      // A run's events come in seq order: the search below is for replays and retries.
      if (last === undefined || last.seq < event.seq) {
        stored.events.push(event);
        continue;
      }
      const at = stored.events.findLastIndex((held) => held.seq <= event.seq);
      if (stored.events[at]?.seq === event.seq) continue;
      stored.events.splice(at + 1, 0, event);
    }
  }

  async finishRun(
    runId: string,
    result: RunResult,
    terminalEvent: TerminalRunEvent,
  ): Promise<boolean> {
    const stored = this.#runs.get(runId);
    if (!stored) throw new RunNotFoundError(runId);
    if (isTerminalStatus(stored.record.status)) return false;
    stored.record = keptRecord(stored.record, {
      status: result.status,
      pause: null,
      content: result.content,
      output: result.output ?? null,
      metrics: result.metrics,
      error: result.error,
      // A copy of exactly its length: the run loop's array was grown by pushes.
      messages: result.messages.slice(),
      updatedAt: result.updatedAt,
    });
    this.#executing.delete(stored);
    this.#append(stored, [terminalEvent]);
    // Kept for good from here: exact-size copies, not arrays with room to grow.
    stored.events = stored.events.slice();
    this.signals.eventsStored(runId, terminalEvent.seq);
    this.#touchSession(stored.record.sessionId, result.updatedAt);
    return true;
  }

  async pauseRun(runId: string, result: PausedRunResult, event: RunPausedEvent): Promise<boolean> {
    const stored = this.#runs.get(runId);
    if (!stored) throw new RunNotFoundError(runId);
    if (stored.record.status !== 'RUNNING') return false;
    const { lease: _dropped, ...record } = stored.record;
    stored.record = {
      ...record,
      status: 'PAUSED',
      pause: result.pause,
      messages: result.messages,
      updatedAt: result.updatedAt,
    };
    this.#executing.delete(stored);
    this.#append(stored, [event]);
    this.signals.eventsStored(runId, event.seq);
    this.#touchSession(stored.record.sessionId, result.updatedAt);
    return true;
  }

  async resumeRun(runId: string, claim: ResumeClaim): Promise<boolean> {
    const stored = this.#runs.get(runId);
    if (!stored) throw new RunNotFoundError(runId);
    if (stored.record.status !== claim.from) return false;
    const { lease: _old, ...record } = stored.record;
    stored.record = {
      ...record,
      status: 'RUNNING',
      pause: null,
      updatedAt: claim.updatedAt,
      ...(claim.lease && { lease: claim.lease }),
    };
    this.#executing.add(stored);
    return true;
  }

  #touchSession(sessionId: string, updatedAt: Date): void {
    const session = this.#sessions.get(sessionId);
    if (session) this.#sessions.set(sessionId, { ...session, updatedAt });
  }

  async getRun(runId: string, scope?: OwnerScope): Promise<RunRecord | undefined> {
    const record = this.#runs.get(runId)?.record;
    return record && inScope(record, scope) ? record : undefined;
  }

  async listRuns(query: ListRunsQuery, scope?: OwnerScope): Promise<RunRecord[]> {
    const runs = [...this.#runs.values()]
      .map((stored) => stored.record)
      .filter(
        (run) =>
          inScope(run, scope) &&
          (query.sessionId === undefined || run.sessionId === query.sessionId) &&
          (query.agentId === undefined || run.agentId === query.agentId),
      );
    return lastN(runs, query.limit ?? 100).reverse();
  }

  async listStaleRuns(query: StaleRunsQuery): Promise<RunRecord[]> {
    // Every run in the index is RUNNING or PENDING: the writes that change a status keep it so.
    return [...this.#executing]
      .map((stored) => stored.record)
      .filter((run) =>
        run.lease
          ? run.lease.expiresAt < query.leaseExpiredBefore
          : run.updatedAt < query.writtenBefore,
      )
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, Math.max(0, query.limit));
  }

  async renewLeases(
    ownerId: string,
    runIds: readonly string[],
    expiresAt: Date,
  ): Promise<string[]> {
    const renewed: string[] = [];
    for (const runId of runIds) {
      const stored = this.#runs.get(runId);
      if (!stored || isTerminalStatus(stored.record.status)) continue;
      if (stored.record.lease?.ownerId !== ownerId) continue;
      stored.record = { ...stored.record, lease: { ownerId, expiresAt } };
      renewed.push(runId);
    }
    return renewed;
  }

  async listEvents(runId: string, afterSeq: number, scope?: OwnerScope): Promise<RunEvent[]> {
    const stored = this.#runs.get(runId);
    if (!stored || !inScope(stored.record, scope)) return [];
    return stored.events.filter((event) => event.seq > afterSeq);
  }

  async loadHistory(
    sessionId: string,
    query: HistoryQuery,
    scope?: OwnerScope,
  ): Promise<Message[]> {
    const runs = [...this.#runs.values()]
      .map((stored) => stored.record)
      .filter(
        (run) =>
          run.sessionId === sessionId &&
          run.status === 'COMPLETED' &&
          run.runId !== query.excludeRunId &&
          inScope(run, scope),
      );
    return lastN(runs, query.runs).flatMap((run) => run.messages);
  }

  async getSession(sessionId: string, scope?: OwnerScope): Promise<SessionRecord | undefined> {
    const session = this.#sessions.get(sessionId);
    return session && inScope(session, scope) ? session : undefined;
  }

  async listSessions(query: ListSessionsQuery, scope?: OwnerScope): Promise<SessionRecord[]> {
    const offset = Math.max(0, query.offset ?? 0);
    return this.#matching(query, scope)
      .sort(compareSessions(query))
      .slice(offset, offset + Math.max(0, query.limit ?? 100));
  }

  async countSessions(filter: SessionFilter, scope?: OwnerScope): Promise<number> {
    return this.#matching(filter, scope).length;
  }

  #matching(filter: SessionFilter, scope: OwnerScope): SessionRecord[] {
    const needle = filter.nameContains?.toLowerCase();
    return [...this.#sessions.values()].filter(
      (s) =>
        inScope(s, scope) &&
        (filter.agentId === undefined || s.agentId === filter.agentId) &&
        (filter.userId === undefined || s.userId === filter.userId) &&
        (needle === undefined || (s.name ?? '').toLowerCase().includes(needle)),
    );
  }

  async createSession(session: NewSessionRecord): Promise<boolean> {
    if (this.#sessions.has(session.sessionId)) return false;
    this.#sessions.set(session.sessionId, { ...session, updatedAt: session.createdAt });
    return true;
  }

  async updateSession(
    sessionId: string,
    patch: SessionPatch,
    scope?: OwnerScope,
  ): Promise<SessionRecord | undefined> {
    const session = this.#sessions.get(sessionId);
    if (!session || !inScope(session, scope)) return undefined;
    const updated: SessionRecord = {
      ...session,
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.state !== undefined && { state: patch.state }),
      updatedAt: new Date(),
    };
    this.#sessions.set(sessionId, updated);
    return updated;
  }

  async forkSession(fork: SessionFork, scope?: OwnerScope): Promise<SessionRecord | undefined> {
    const source = this.#sessions.get(fork.fromSessionId);
    if (!source || !inScope(source, scope)) return undefined;
    if (fork.agentId !== undefined && source.agentId !== fork.agentId) return undefined;
    if (this.#sessions.has(fork.sessionId)) throw new SessionExistsError(fork.sessionId);
    const session: SessionRecord = {
      sessionId: fork.sessionId,
      agentId: source.agentId,
      userId: source.userId,
      name: fork.name ?? source.name,
      state: source.state,
      createdAt: fork.createdAt,
      updatedAt: fork.createdAt,
      forkedFromSessionId: source.sessionId,
    };
    this.#sessions.set(fork.sessionId, session);
    // A snapshot, oldest first: the copies go to the end of the map, in the same order.
    for (const { record, events } of [...this.#runs.values()]) {
      if (record.sessionId !== source.sessionId || isExecuting(record.status)) continue;
      const ids = { runId: newId(), sessionId: fork.sessionId };
      const { lease: _lease, ...copied } = record;
      this.#runs.set(ids.runId, {
        record: { ...copied, ...ids },
        events: events.map((event) => ({ ...event, ...ids })),
      });
    }
    return session;
  }

  async deleteSession(sessionId: string, scope?: OwnerScope): Promise<boolean> {
    const session = this.#sessions.get(sessionId);
    if (!session || !inScope(session, scope)) return false;
    this.#sessions.delete(sessionId);
    for (const [runId, stored] of this.#runs) {
      if (stored.record.sessionId !== sessionId) continue;
      this.#runs.delete(runId);
      this.#executing.delete(stored);
    }
    return true;
  }

  async renameSession(
    sessionId: string,
    name: string,
    scope?: OwnerScope,
  ): Promise<SessionRecord | undefined> {
    return this.updateSession(sessionId, { name }, scope);
  }
}

/** The fields of a run record that change with its status. */
type RunState = Omit<RunRecord, keyof NewRunRecord>;

/**
 * A record as this store keeps it, spelled out rather than spread: one object with every field in
 * place and no overflow property store, built several times faster than a spread. This store keeps
 * every run, so each record is copied by the young-generation GC and marked by every full GC.
 */
function keptRecord(run: NewRunRecord, state: RunState): RunRecord {
  // Two literals, not a conditional spread: a spread in a literal would put the rest in overflow.
  return run.lease === undefined
    ? {
        runId: run.runId,
        sessionId: run.sessionId,
        agentId: run.agentId,
        userId: run.userId,
        input: run.input,
        factoryInput: run.factoryInput,
        model: run.model,
        modelProvider: run.modelProvider,
        createdAt: run.createdAt,
        status: state.status,
        pause: state.pause,
        content: state.content,
        output: state.output,
        metrics: state.metrics,
        error: state.error,
        messages: state.messages,
        updatedAt: state.updatedAt,
      }
    : {
        runId: run.runId,
        sessionId: run.sessionId,
        agentId: run.agentId,
        userId: run.userId,
        input: run.input,
        factoryInput: run.factoryInput,
        model: run.model,
        modelProvider: run.modelProvider,
        createdAt: run.createdAt,
        lease: run.lease,
        status: state.status,
        pause: state.pause,
        content: state.content,
        output: state.output,
        metrics: state.metrics,
        error: state.error,
        messages: state.messages,
        updatedAt: state.updatedAt,
      };
}

/** A run some process is still executing: a copy would have nobody to finish it. */
function isExecuting(status: RunStatus): boolean {
  return status === 'PENDING' || status === 'RUNNING';
}

function inScope(row: { readonly userId: string | null }, scope: OwnerScope): boolean {
  return scope === undefined || row.userId === scope.userId;
}

/** The last `n` items; `slice(-0)` would return all of them. */
function lastN<T>(items: T[], n: number): T[] {
  return n > 0 ? items.slice(-n) : [];
}
