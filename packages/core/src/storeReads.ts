import type { AgentRegistry } from './agentRegistry.ts';
import { RunNotFoundError } from './errors/runNotFoundError.ts';
import { SessionExistsError } from './errors/sessionExistsError.ts';
import { SessionNotFoundError } from './errors/sessionNotFoundError.ts';
import type { RunEvent } from './runEvent.ts';
import { compareSessions } from './sessionOrder.ts';
import { assertStorableId, assertStorableText, isStorableText } from './storableText.ts';
import type {
  ListSessionsQuery,
  NewSessionRecord,
  OwnerScope,
  RunRecord,
  SessionFilter,
  SessionFork,
  SessionPatch,
  SessionRecord,
  Store,
} from './store.ts';
import { fromStore } from './storeFailure.ts';

/** A run and the store that holds it. */
export interface FoundRun {
  readonly record: RunRecord;
  readonly store: Store;
}

/**
 * Reads and session edits across every store the registry knows, under the caller's owner scope.
 * Missing and not-yours are one answer (RunNotFoundError, SessionNotFoundError).
 */
export class StoreReads {
  readonly #registry: AgentRegistry;

  constructor(registry: AgentRegistry) {
    this.#registry = registry;
  }

  /** Finds a run in any store (the agent's own first); RUN_NOT_FOUND when absent or not visible. */
  async findRun(runId: string, scope: OwnerScope, agentId?: string): Promise<FoundRun> {
    // No run can have such an id (they are refused on the way in), and PostgreSQL cannot query it.
    if (!isStorableText(runId)) throw new RunNotFoundError(runId);
    const first =
      agentId === undefined ? undefined : this.#registry.storeOf(this.#registry.entry(agentId));
    const all = this.#registry.stores;
    const stores = first === undefined ? all : [first, ...all.filter((s) => s !== first)];
    for (const store of stores) {
      const record = await fromStore(store.getRun(runId, scope));
      if (record && (agentId === undefined || record.agentId === agentId)) return { record, store };
    }
    throw new RunNotFoundError(runId);
  }

  async getRun(runId: string, scope: OwnerScope, agentId?: string): Promise<RunRecord> {
    return (await this.findRun(runId, scope, agentId)).record;
  }

  /** Stored events of a run after `afterSeq`. */
  async storedEvents(runId: string, afterSeq: number, scope: OwnerScope): Promise<RunEvent[]> {
    const { store } = await this.findRun(runId, scope);
    return fromStore(store.listEvents(runId, afterSeq, scope));
  }

  async listSessions(query: ListSessionsQuery, scope: OwnerScope): Promise<SessionRecord[]> {
    const stores = this.#sessionStores(query);
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
      .sort(compareSessions(query))
      .slice(offset, offset + limit);
  }

  /** How many sessions `listSessions` pages over with this filter. */
  async countSessions(filter: SessionFilter, scope: OwnerScope): Promise<number> {
    const stores = this.#sessionStores(filter);
    const counts = await fromStore(Promise.all(stores.map((s) => s.countSessions(filter, scope))));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** The agent's store when the filter names one, else every store. */
  #sessionStores(filter: SessionFilter): readonly Store[] {
    return filter.agentId === undefined
      ? this.#registry.stores
      : [this.#registry.storeOf(this.#registry.entry(filter.agentId))];
  }

  /** Creates an empty session in the agent's store; SESSION_EXISTS when the id is taken. */
  async createSession(session: NewSessionRecord): Promise<SessionRecord> {
    const store = this.#registry.storeOf(this.#registry.entry(session.agentId));
    assertStorableId(session.sessionId, 'session_id');
    if (session.name !== null) assertStorableText(session.name, 'session_name');
    if (!(await fromStore(store.createSession(session)))) {
      throw new SessionExistsError(session.sessionId);
    }
    return { ...session, updatedAt: session.createdAt };
  }

  /**
   * Copies a session the scope sees, with its finished and paused runs, into a new session of the
   * same store; SESSION_NOT_FOUND when absent or not visible, SESSION_EXISTS when the new id is taken.
   */
  async forkSession(fork: SessionFork, scope: OwnerScope): Promise<SessionRecord> {
    if (!isStorableText(fork.fromSessionId)) throw new SessionNotFoundError(fork.fromSessionId);
    assertStorableId(fork.sessionId, 'session_id');
    if (fork.name !== null) assertStorableText(fork.name, 'session_name');
    for (const store of this.#registry.stores) {
      const forked = await fromStore(store.forkSession(fork, scope));
      if (forked) return forked;
    }
    throw new SessionNotFoundError(fork.fromSessionId);
  }

  /** Changes a session's name and/or state wherever it is stored. */
  async updateSession(
    sessionId: string,
    patch: SessionPatch,
    scope: OwnerScope,
  ): Promise<SessionRecord> {
    if (!isStorableText(sessionId)) throw new SessionNotFoundError(sessionId);
    if (patch.name !== undefined) assertStorableText(patch.name, 'name');
    for (const store of this.#registry.stores) {
      const updated = await fromStore(store.updateSession(sessionId, patch, scope));
      if (updated) return updated;
    }
    throw new SessionNotFoundError(sessionId);
  }

  async getSession(
    sessionId: string,
    scope: OwnerScope,
  ): Promise<{ session: SessionRecord; runs: RunRecord[] }> {
    if (isStorableText(sessionId)) {
      for (const store of this.#registry.stores) {
        const session = await fromStore(store.getSession(sessionId, scope));
        if (session)
          return { session, runs: await fromStore(store.listRuns({ sessionId }, scope)) };
      }
    }
    throw new SessionNotFoundError(sessionId);
  }

  async deleteSession(sessionId: string, scope: OwnerScope): Promise<void> {
    if (!isStorableText(sessionId)) throw new SessionNotFoundError(sessionId);
    const deleted = await fromStore(
      Promise.all(this.#registry.stores.map((s) => s.deleteSession(sessionId, scope))),
    );
    if (!deleted.includes(true)) throw new SessionNotFoundError(sessionId);
  }

  async renameSession(sessionId: string, name: string, scope: OwnerScope): Promise<SessionRecord> {
    if (!isStorableText(sessionId)) throw new SessionNotFoundError(sessionId);
    assertStorableText(name, 'name');
    for (const store of this.#registry.stores) {
      const renamed = await fromStore(store.renameSession(sessionId, name, scope));
      if (renamed) return renamed;
    }
    throw new SessionNotFoundError(sessionId);
  }
}
