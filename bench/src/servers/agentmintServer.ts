import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryDb, type Store } from '@agentmint/core';
import { PostgresDb, SqliteDb } from '@agentmint/db';
import { benchModelMode, createBenchModel } from './benchModel.ts';
import { createBenchOS } from './benchOS.ts';
import { benchTracing, benchTracingMode } from './benchTracing.ts';
import { serveChild } from './serveChild.ts';

/**
 * AgentOS serving the seed's `research-agent` factory (input schema, a fresh Agent per request)
 * on the zero-latency model. `BENCH_DB`: memory (default), sqlite (a temp file) or postgres
 * (`BENCH_DATABASE_URL`, in a schema of its own that is dropped on close).
 */
type DbKind = 'memory' | 'sqlite' | 'postgres';

function dbKind(): DbKind {
  const kind = process.env.BENCH_DB ?? 'memory';
  if (kind === 'memory' || kind === 'sqlite' || kind === 'postgres') return kind;
  throw new Error(`BENCH_DB must be memory, sqlite or postgres, got '${kind}'`);
}

interface BenchStore {
  readonly db: Store;
  cleanUp(): Promise<void>;
}

function createStore(kind: DbKind): BenchStore {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  if (kind === 'memory') return { db: new InMemoryDb({ id: 'bench' }), cleanUp: async () => {} };
  if (kind === 'sqlite') {
    const dbFile = join(tmpdir(), `agentmint-bench-${tag}.db`);
    return {
      db: new SqliteDb({ dbFile, id: 'bench' }),
      cleanUp: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
      },
    };
  }
  const dbUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const schema = `agentmint_bench_${tag}`;
  const store = new PostgresDb({ dbUrl, schema, id: 'bench' });
  return {
    db: store,
    cleanUp: async () => {
      // A second connection: the store is closed by now.
      const dropper = new PostgresDb({ dbUrl, id: 'bench-cleanup', migrate: false });
      await dropper.init();
      const orm = dropper.orm;
      // The schema name is ours (pid and time), so it needs no quoting beyond the identifier quotes.
      await orm?.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await dropper.close();
    },
  };
}

await serveChild(async () => {
  const model = createBenchModel(benchModelMode());
  const store = createStore(dbKind());
  const os = createBenchOS(store.db, model, benchTracing(benchTracingMode()));
  const handle = await os.serve({ port: 0, hostname: '127.0.0.1' });
  return {
    url: handle.url,
    openRuns: () => os.runtime.activeRunCount,
    close: async () => {
      await handle.close({ graceMs: 1_000 });
      await store.cleanUp();
    },
  };
});
