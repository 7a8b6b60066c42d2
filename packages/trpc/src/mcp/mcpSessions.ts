import { randomUUID } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/** One MCP session: its server and transport, bound to the user who opened it. */
export interface McpSession {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  /** The verified subject that initialized it; only the same subject may use it. */
  readonly owner: string | undefined;
  lastUsed: number;
}

export interface McpSessionsOptions {
  readonly idleMs: number;
  readonly maxSessions: number;
  readonly createServer: () => Server;
}

/**
 * Live MCP sessions of this process. Sessions (not stateless requests) because MCP cancellation
 * is a separate request (`notifications/cancelled`) that must reach the server running the call.
 * Idle sessions are closed, and the oldest go first past `maxSessions`.
 */
export class McpSessions {
  readonly #sessions = new Map<string, McpSession>();
  readonly #options: McpSessionsOptions;

  constructor(options: McpSessionsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** The session with this id, if `owner` opened it; anyone else is told it does not exist. */
  find(sessionId: string, owner: string | undefined): McpSession | undefined {
    const session = this.#sessions.get(sessionId);
    if (!session || session.owner !== owner) return undefined;
    session.lastUsed = Date.now();
    return session;
  }

  /** A transport for an `initialize` request; it registers itself once initialized. */
  async open(owner: string | undefined): Promise<McpSession> {
    await this.#evict();
    const session: McpSession = {
      owner,
      lastUsed: Date.now(),
      transport: new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          this.#sessions.set(id, session);
        },
      }),
    };
    session.transport.onclose = () => {
      if (session.transport.sessionId) this.#sessions.delete(session.transport.sessionId);
    };
    await this.#options.createServer().connect(session.transport);
    return session;
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((session) => session.transport.close()));
  }

  async #evict(): Promise<void> {
    const idleSince = Date.now() - this.#options.idleMs;
    const excess = this.#sessions.size + 1 - this.#options.maxSessions;
    // Oldest first: a Map keeps insertion order, and lastUsed only grows.
    const byAge = [...this.#sessions.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    const closing = byAge.filter(([, s], index) => s.lastUsed < idleSince || index < excess);
    for (const [id] of closing) this.#sessions.delete(id);
    await Promise.all(closing.map(([, session]) => session.transport.close()));
  }
}
