import { createHash } from 'node:crypto';
import { LocalRunSignals, type Logger, type RunSignals } from '@agentmint/core';
import pg from 'pg';

export interface PostgresSignalsOptions {
  readonly connectionString: () => string | undefined;
  /** Cancel requests' channel, one per schema (databases shared by deployments stay apart). */
  readonly channel: string;
  /** Stored events' channel (`eventsChannelOf`): heard only while this process has a watcher. */
  readonly eventsChannel: string;
  /** Sends one NOTIFY through the store's pool. */
  readonly send: (channel: string, payload: string) => Promise<void>;
  readonly logger?: Logger;
}

// Reconnect backoff after the LISTEN connection drops: 100 ms doubling up to 5 s.
const RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * `RunSignals` over PostgreSQL LISTEN/NOTIFY: ONE dedicated `pg` client per store (so per process,
 * not per watcher) listens on the schema's channels and fans notifications out to in-process
 * listeners. Event notifications are sent by the store's own writes (in the same statement, so
 * they are delivered at commit) on a channel of their own, which the client LISTENs to only while
 * a watcher here follows a run: a process that only writes runs is not sent its own notifications
 * back (a wake-up and a read per write). Cancel requests go through the pool, on the cancel channel,
 * always heard. After the connection drops, it reconnects with backoff and wakes every watcher to
 * re-read what it may have missed.
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
  /** Event subscriptions open in this process: the events channel is heard while there are any. */
  #eventWatchers = 0;
  /** Whether the current client LISTENs on the events channel. */
  #eventsHeard = false;
  /** The LISTEN/UNLISTEN that brings `#eventsHeard` in line with `#eventWatchers`, while one runs. */
  #eventsSync: Promise<void> | undefined;

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
    this.#eventWatchers++;
    if (this.#client) void this.#syncEvents();
    else void this.ready();
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      unsubscribe();
      this.#eventWatchers--;
      void this.#syncEvents();
    };
  }

  /**
   * Resolves once the LISTEN connection is up (connecting it on first use) and hears the events
   * channel if a watcher is open; never rejects.
   */
  ready(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#client) return this.#eventsSync ?? Promise.resolve();
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
    this.#eventsHeard = false;
    this.#retryMs = RETRY_MS;
    await this.#syncEvents();
    // Anything written while no connection listened: every watcher re-reads.
    this.#local.wakeAll();
  }

  /** LISTENs to the events channel while watchers are open, UNLISTENs once none is; one at a time. */
  #syncEvents(): Promise<void> {
    if (this.#eventsSync === undefined && this.#eventsOutOfLine()) {
      this.#eventsSync = this.#alignEvents();
    }
    return this.#eventsSync ?? Promise.resolve();
  }

  #eventsOutOfLine(): boolean {
    return (
      !this.#closed && this.#client !== undefined && this.#eventWatchers > 0 !== this.#eventsHeard
    );
  }

  /** Only called out of line, so it awaits before it ends and `#eventsSync` is set by then. */
  async #alignEvents(): Promise<void> {
    try {
      while (this.#eventsOutOfLine()) {
        const client = this.#client!;
        const hear = this.#eventWatchers > 0;
        const channel = quoteIdentifier(this.#options.eventsChannel);
        await client.query(hear ? `listen ${channel}` : `unlisten ${channel}`);
        if (client !== this.#client) return;
        this.#eventsHeard = hear;
        // Stored before the LISTEN took effect, their notices never came: the watchers re-read.
        if (hear) this.#local.wakeAll();
      }
    } catch {
      // The connection failed: it is dropped, and the next one listens as the watchers need.
    } finally {
      this.#eventsSync = undefined;
    }
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
  return withinIdentifierLimit(`agentmint_${schema ?? 'public'}`);
}

/** `agentmint_<schema>:events` (a schema name holds no `:`, so it never names another's channel). */
export function eventsChannelOf(schema: string | undefined): string {
  return withinIdentifierLimit(`agentmint_${schema ?? 'public'}:events`);
}

function withinIdentifierLimit(channel: string): string {
  if (Buffer.byteLength(channel) <= 63) return channel;
  return `agentmint_${createHash('sha256').update(channel).digest('hex').slice(0, 40)}`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
