import type { Agent } from './agent.ts';

interface CacheEntry {
  readonly agent: Agent;
  readonly expiresAt: number;
}

/** A small LRU with expiry for factories that opt into `cache`. */
export class FactoryCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get(key: string, now = Date.now()): Agent | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.#entries.set(key, entry); // re-insert: Map order is the LRU order
    return entry.agent;
  }

  set(key: string, agent: Agent, now = Date.now()): void {
    this.#entries.delete(key);
    this.#entries.set(key, { agent, expiresAt: now + this.#ttlMs });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}
