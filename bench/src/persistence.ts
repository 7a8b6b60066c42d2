import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, AgentRuntime, InMemoryDb, type Store, silentLogger } from '@agentmint/core';
import { PostgresDb, SqliteDb } from '@agentmint/db';
import { ScriptedModel } from '@agentmint/testing';
import type { BenchOptions, BenchRow, BenchSuite } from './suite.ts';

/**
 * Persisted runs per second through `AgentRuntime`: createRun, the run's events (a zero-latency
 * model answering "ok" emits 6, written in a few batches), then finishRun with two messages. A run
 * counts once its `done` resolves, i.e. once its row is final. InMemoryDb is the baseline; stores
 * take turns in short rounds so machine noise hits every one alike, and the median round is kept.
 */
const SUITE = 'persistence';
const CONCURRENCY = [1, 16] as const;
const DEFAULT_PG_URL = 'postgresql://postgres@127.0.0.1:5432/test';

interface Subject {
  readonly name: string;
  store: Store;
  runtime: AgentRuntime;
  /** Before each round: the in-memory baseline starts empty, or its heap would slow everyone's GC. */
  readonly beforeRound: () => Promise<void>;
  readonly cleanUp: () => Promise<void>;
}

function runtimeOn(store: Store): AgentRuntime {
  const agent = new Agent({
    id: 'bench-agent',
    model: new ScriptedModel({ fallback: 'ok' }),
    db: store,
    historyRuns: 0,
  });
  return new AgentRuntime({ agents: [agent], db: store, logger: silentLogger });
}

function durable(name: string, store: Store, cleanUp: () => Promise<void>): Subject {
  return { name, store, runtime: runtimeOn(store), beforeRound: async () => {}, cleanUp };
}

async function openSubjects(): Promise<{ subjects: Subject[]; skipped: string[] }> {
  const skipped: string[] = [];
  const memory: Subject = {
    ...durable('InMemoryDb', new InMemoryDb(), async () => {}),
    beforeRound: async () => {
      memory.store = new InMemoryDb();
      memory.runtime = runtimeOn(memory.store);
    },
  };
  const subjects: Subject[] = [memory];

  const dir = mkdtempSync(join(tmpdir(), 'agentmint-bench-'));
  const sqlite = new SqliteDb({ dbFile: join(dir, 'bench.db') });
  await sqlite.init();
  subjects.push(
    durable('SqliteDb (file, WAL)', sqlite, async () => {
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }),
  );

  const dbUrl = process.env.DATABASE_URL ?? DEFAULT_PG_URL;
  for (const asyncEventCommit of [false, true]) {
    const schema = `agentmint_bench_${process.pid}_${asyncEventCommit ? 'async' : 'sync'}`;
    const postgres = new PostgresDb({ dbUrl, schema, pool: { max: 16 }, asyncEventCommit });
    const name = asyncEventCommit ? 'PostgresDb (asyncEventCommit)' : 'PostgresDb';
    try {
      await postgres.init();
      subjects.push(
        durable(name, postgres, async () => {
          const drop = `drop schema if exists "${schema}" cascade`;
          await postgres.orm?.em.getConnection().execute(drop);
          await postgres.close();
        }),
      );
    } catch (error) {
      await postgres.close().catch(() => {});
      skipped.push(`${name} skipped: ${(error as Error).message}`);
    }
  }
  return { subjects, skipped };
}

/** Closed loop: `concurrency` callers, each starting its next run once the previous one is stored. */
async function measure(
  s: Subject,
  concurrency: number,
  limit: { ms: number; runs: number },
): Promise<{ runs: number; perSecond: number; lastRunId: string | undefined }> {
  let started = 0;
  let completed = 0;
  let lastRunId: string | undefined;
  const deadline = performance.now() + limit.ms;
  const t0 = performance.now();
  const caller = async () => {
    while (performance.now() < deadline && started < limit.runs) {
      started++;
      const run = await s.runtime.startRun({ agentId: 'bench-agent', message: 'hi', caller: {} });
      const output = await run.done;
      if (output.status !== 'COMPLETED') throw new Error(`${s.name}: run ${output.status}`);
      lastRunId = output.runId;
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const seconds = (performance.now() - t0) / 1000;
  return { runs: completed, perSecond: completed / seconds, lastRunId };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export const persistenceSuite: BenchSuite = {
  name: SUITE,
  async run({ smoke }: BenchOptions): Promise<BenchRow[]> {
    const rounds = smoke ? 1 : 5;
    const limit = smoke ? { ms: 5_000, runs: 8 } : { ms: 1_000, runs: Number.POSITIVE_INFINITY };
    const { subjects, skipped } = await openSubjects();
    const rows: BenchRow[] = [];
    try {
      for (const concurrency of CONCURRENCY) {
        const perRound = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
        const totals = new Map<Subject, number>(subjects.map((s) => [s, 0]));
        // Warm-up round (JIT, statement caches, pool connections), not reported.
        for (const s of subjects) {
          await s.beforeRound();
          await measure(s, concurrency, smoke ? limit : { ms: 300, runs: Infinity });
        }
        for (let round = 0; round < rounds; round++) {
          for (const s of subjects) {
            await s.beforeRound();
            globalThis.gc?.(); // the previous subject's garbage is not this one's cost
            const result = await measure(s, concurrency, limit);
            perRound.get(s)!.push(result.perSecond);
            totals.set(s, totals.get(s)! + result.runs);
            // Spot check: the last run is really stored as completed.
            const stored = result.lastRunId ? await s.store.getRun(result.lastRunId) : undefined;
            if (stored?.status !== 'COMPLETED') {
              throw new Error(`${s.name}: run ${result.lastRunId} was not stored as COMPLETED`);
            }
          }
        }
        const baseline = median(perRound.get(subjects[0]!)!);
        for (const s of subjects) {
          const value = median(perRound.get(s)!);
          rows.push({
            suite: SUITE,
            name: `${s.name}, c=${concurrency}`,
            value,
            unit: 'runs/s',
            ratio: value / baseline,
            note: `${totals.get(s)} runs in ${rounds} round(s); ~6 events + 2 messages per run`,
          });
        }
      }
    } finally {
      for (const s of subjects) await s.cleanUp();
    }
    for (const reason of skipped) console.log(`  ${reason}`);
    return rows;
  },
};
