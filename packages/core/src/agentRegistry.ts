import { Agent } from './agent.ts';
import { assertValidAgentId } from './agentId.ts';
import { AgentNotFoundError } from './errors/agentNotFoundError.ts';
import { InMemoryDb } from './inMemoryDb.ts';
import type { Logger } from './logger.ts';
import type { AgentEntry } from './resolveAgent.ts';
import type { Store } from './store.ts';

/**
 * The registered agents by id, and every store their runs live in: the default db, each agent's
 * db, and any db a built agent brought along (adopted at run time).
 */
export class AgentRegistry {
  readonly agents: ReadonlyMap<string, AgentEntry>;
  readonly defaultDb: Store;
  readonly #stores = new Set<Store>();
  #storeList: readonly Store[] = [];

  constructor(
    entries: readonly AgentEntry[],
    defaultDb: Store = new InMemoryDb({ id: 'default' }),
  ) {
    const agents = new Map<string, AgentEntry>();
    for (const entry of entries) {
      if (entry instanceof Agent) assertValidAgentId(entry.id, 'Agent');
      const id = entry.id as string;
      if (agents.has(id)) throw new TypeError(`Two agents are registered with the id '${id}'`);
      agents.set(id, entry);
    }
    this.agents = agents;
    this.defaultDb = defaultDb;
    this.#add(defaultDb);
    for (const entry of agents.values()) if (entry.db) this.#add(entry.db);
  }

  get stores(): readonly Store[] {
    return this.#storeList;
  }

  /** The entry registered as `agentId`; AGENT_NOT_FOUND otherwise. */
  entry(agentId: string): AgentEntry {
    const entry = this.agents.get(agentId);
    if (!entry) throw new AgentNotFoundError(agentId);
    return entry;
  }

  storeOf(entry: AgentEntry): Store {
    return entry.db ?? this.defaultDb;
  }

  /** A built agent brought its own db: remember it so this process can find the run later. */
  async adopt(store: Store, agentId: string, logger: Logger): Promise<void> {
    if (this.#stores.has(store)) return;
    this.#add(store);
    logger.warn(
      `agent '${agentId}' records runs in db '${store.id}', which is not registered; ` +
        'its runs and sessions are found only until this process restarts. ' +
        'Pass that db as the factory db to make them permanent.',
    );
    await store.init();
  }

  #add(store: Store): void {
    if (this.#stores.has(store)) return;
    this.#stores.add(store);
    this.#storeList = [...this.#stores];
  }
}
