import type { BenchModelMode } from '../servers/benchModel.ts';
import { type ChildServer, startServer } from './childServer.ts';

export type DbKind = 'memory' | 'sqlite' | 'postgres';

export const DB_LABEL: Record<DbKind, string> = {
  memory: 'InMemoryDb',
  sqlite: 'SqliteDb',
  postgres: 'PostgresDb',
};

/** Keeps every server a suite starts, so one `finally` closes them all. */
export class ServerSet {
  readonly #servers: ChildServer[] = [];

  async baseline(
    model: BenchModelMode,
    env: Readonly<Record<string, string>> = {},
  ): Promise<ChildServer> {
    return this.#add(
      await startServer({
        name: 'baseline',
        script: 'baselineServer.ts',
        env: { ...env, BENCH_MODEL: model },
      }),
    );
  }

  async agentmint(
    db: DbKind,
    model: BenchModelMode,
    env: Readonly<Record<string, string>> = {},
  ): Promise<ChildServer> {
    return this.#add(
      await startServer({
        name: `AgentOS (${DB_LABEL[db]})`,
        script: 'agentmintServer.ts',
        env: {
          ...env,
          BENCH_DB: db,
          BENCH_MODEL: model,
          ...(process.env.DATABASE_URL && { BENCH_DATABASE_URL: process.env.DATABASE_URL }),
        },
        startTimeoutMs: 120_000, // a hang bound; a busy CI box starts servers slowly
      }),
    );
  }

  /** A trivial tRPC mutation served like AgentOS's `/trpc`: the framework's own floor. */
  async trpcFloor(): Promise<ChildServer> {
    return this.#add(await startServer({ name: 'tRPC floor', script: 'trpcFloorServer.ts' }));
  }

  /**
   * Mastra, or the reason it is not there: a peer that fails to install or start must not stop
   * our own figures (nor CI's smoke run).
   */
  async mastra(model: BenchModelMode): Promise<ChildServer | string> {
    try {
      return this.#add(
        await startServer({
          name: 'Mastra',
          script: 'mastraServer.ts',
          env: { BENCH_MODEL: model, MASTRA_TELEMETRY_DISABLED: '1' },
          startTimeoutMs: 60_000,
        }),
      );
    } catch (error) {
      return `Mastra did not start: ${firstLine(error)}`;
    }
  }

  /** AgentOS on PostgreSQL, or why not (no server answering at the URL). */
  async agentmintPostgres(model: BenchModelMode): Promise<ChildServer | string> {
    try {
      return await this.agentmint('postgres', model);
    } catch (error) {
      return `PostgresDb skipped: ${firstLine(error)}`;
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#servers.splice(0).map((server) => server.close()));
  }

  #add(server: ChildServer): ChildServer {
    this.#servers.push(server);
    return server;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).slice(0, 300);
}
