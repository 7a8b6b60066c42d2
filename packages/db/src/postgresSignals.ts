import { createHash } from 'node:crypto';
import { LocalRunSignals, type Logger, type RunSignals } from '@agentmint/core';
import pg from 'pg';

export interface PostgresSignalsOptions {
  readonly connectionString: () => string | undefined;
  /** The channel: one per schema, so databases shared by several deployments stay apart. */
  readonly channel: string;
  /** Sends one NOTIFY through the store's pool. */
  readonly send: (channel: string, payload: string) => Promise<void>;
  readonly logger?: Logger;
}

// Reconnect backoff after the LISTEN connection drops: 100 ms doubling up to 5 s.
const RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * `RunSignals` over PostgreSQL LISTEN/NOTIFY: ONE dedicated `pg` client per store (so per process,
 * not per watcher) listens on the schema's channel and fans notifications out to in-process
 * listeners. Event notifications are sent by the store's own writes (in the same statement, so
 * they are delivered at commit); cancel requests through the pool. After the connection drops, it
 * reconnects with backoff and wakes every watcher to re-read what it may have missed.
 */
export class PostgresSignals implements RunSignals {
  readonly #options: PostgresSignalsOptions;
  /** This process's listeners; notifications from the LISTEN connection are fanned out to them. */
  readonly #local = new LocalRunSignals();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #retryMs = RETRY_MS;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: PostgresSignalsOptions) {
    this.#options = options;
  }

  async notifyCancel(runId: string): Promise<void> {
    await this.#options.send(this.#options.channel, `c ${runId}`);
  }

  onCancel(listener: (runId: string) => void): () => void {
    const unsubscribe = this.#local.onCancel(listener);
    void this.ready();
    return unsubscribe;
  }

  subscribeEvents(runId: string, wake: (seq?: number) => void): () => void {
    const unsubscribe = this.#local.subscribeEvents(runId, wake);
    void this.ready();
    return unsubscribe;
  }

  /** Resolves once the LISTEN connection is up (connecting it on first use); never rejects. */
  ready(): Promise<void> {
    if (this.#closed || this.#client) return Promise.resolve();
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#connecting;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const connectionString = this.#options.connectionString();
    if (!connectionString) return;
    const client = new pg.Client({ connectionString });
    client.on('notification', (message) => this.#dispatch(message.payload));
    client.on('error', (error) => this.#dropped(client, error));
    client.on('end', () => this.#dropped(client, undefined));
    try {
      await client.connect();
      await client.query(`listen ${quoteIdentifier(this.#options.channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      this.#dropped(undefined, error);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#retryMs = RETRY_MS;
    // Anything written while no connection listened: every watcher re-reads.
    this.#local.wakeAll();
  }

  #dropped(client: pg.Client | undefined, error: unknown): void {
    if (client !== undefined && this.#client !== client) return;
    this.#client = undefined;
    client?.removeAllListeners('end');
    void client?.end().catch(() => {});
    if (this.#closed) return;
    if (error)
      this.#options.logger?.warn('run signals: LISTEN connection lost; reconnecting', {
        error: String(error),
      });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.ready(), this.#retryMs).unref();
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
  }

  #dispatch(payload: string | undefined): void {
    if (!payload) return;
    if (payload.startsWith('c ')) {
      this.#local.cancelRequested(payload.slice(2));
    } else if (payload.startsWith('e ')) {
      const space = payload.indexOf(' ', 2);
      if (space < 0) return;
      const seq = Number(payload.slice(2, space));
      this.#local.eventsStored(payload.slice(space + 1), Number.isFinite(seq) ? seq : undefined);
    }
  }
}

/** `agentmint_<schema>`, or a hash of it when that would pass PostgreSQL's 63-byte identifier limit. */
export function channelOf(schema: string | undefined): string {
  const channel = `agentmint_${schema ?? 'public'}`;
  if (Buffer.byteLength(channel) <= 63) return channel;
  return `agentmint_${createHash('sha256').update(channel).digest('hex').slice(0, 40)}`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
