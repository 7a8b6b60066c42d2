import type { AgentRegistry } from './agentRegistry.ts';
import { RunNotFoundError } from './errors/runNotFoundError.ts';
import { SessionNotFoundError } from './errors/sessionNotFoundError.ts';
import type { RunEvent } from './runEvent.ts';
import { assertStorableText, isStorableText } from './storableText.ts';
import type { ListSessionsQuery, OwnerScope, RunRecord, SessionRecord, Store } from './store.ts';
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
    const stores =
      query.agentId === undefined
        ? this.#registry.stores
        : [this.#registry.storeOf(this.#registry.entry(query.agentId))];
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
