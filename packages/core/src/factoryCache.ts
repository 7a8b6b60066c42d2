import type { Agent } from './agent.ts';

interface CacheEntry {
  readonly agent: Promise<Agent>;
  readonly expiresAt: number;
}

/**
 * A small LRU with expiry for factories that opt into `cache`. It holds the pending build, so
 * concurrent requests with one key share one factory call; a failed build is dropped, not cached.
 */
export class FactoryCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The agent built for `key` within the last `ttlMs`, else the one `build` starts now. */
  getOrBuild(key: string, build: () => Promise<Agent>, now = Date.now()): Promise<Agent> {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      if (entry.expiresAt > now) {
        this.#entries.set(key, entry); // re-insert: Map order is the LRU order
        return entry.agent;
      }
    }
    const agent = build();
    const fresh: CacheEntry = { agent, expiresAt: now + this.#ttlMs };
    this.#entries.set(key, fresh);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    agent.catch(() => {
      if (this.#entries.get(key) === fresh) this.#entries.delete(key);
    });
    return agent;
  }
}
