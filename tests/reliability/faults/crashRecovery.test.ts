import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, AgentFactory, type RunEvent, type Store } from '@agentmint/core';
import { PostgresDb, SqliteDb } from '@agentmint/db';
import { ScriptedModel } from '@agentmint/testing';
import { AgentOS } from '@agentmint/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody } from '../support/http.ts';
import {
  postgresUnavailableReason,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/postgres.ts';
import { recordingLogger } from '../support/servers.ts';

// Rows from before leases (no owner): a process that died mid-run left them RUNNING. Any start ends
// the stale ones (older than staleRunAfterMs): with the status their stored terminal event announced, else ERROR
// RUN_INTERRUPTED with a RunError event, so no run stays RUNNING forever and replays terminate.

const dir = mkdtempSync(join(tmpdir(), 'agentmint-crash-'));
let pg: ThrowawayPostgres | undefined;
const pgMissing = postgresUnavailableReason();
beforeAll(async () => {
  if (!pgMissing) pg = await startThrowawayPostgres();
});
afterAll(async () => {
  await pg?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const HOUR = 60 * 60_000;

function event(runId: string, seq: number, draft: Record<string, unknown>): RunEvent {
  return {
    seq,
    createdAt: Date.now(),
    agentId: 'crash-agent',
    runId,
    sessionId: `s-${runId}`,
    ...draft,
  } as unknown as RunEvent;
}

/** What a crashed process leaves: rows RUNNING, some events, no finish. */
async function leaveCrashedRuns(store: Store): Promise<void> {
  await store.init();
  const base = {
    agentId: 'crash-agent',
    userId: 'u1',
    input: 'hi',
    factoryInput: null,
    model: 'scripted',
    modelProvider: 'Scripted',
  };
  const create = (runId: string, ageMs: number) =>
    store.createRun({
      ...base,
      runId,
      sessionId: `s-${runId}`,
      createdAt: new Date(Date.now() - ageMs),
    });
  await create('old-midway', HOUR);
  await store.appendEvents('old-midway', [
    event('old-midway', 1, { event: 'RunStarted', model: 'scripted', modelProvider: 'Scripted' }),
    event('old-midway', 2, { event: 'RunContent', content: 'par' }),
  ]);
  await create('old-ended', HOUR);
  await store.appendEvents('old-ended', [
    event('old-ended', 1, { event: 'RunStarted', model: 'scripted', modelProvider: 'Scripted' }),
    event('old-ended', 2, {
      event: 'RunCompleted',
      content: 'done before the crash',
      metrics: {
        duration: 1,
        timeToFirstToken: null,
        inputTokens: 1,
        outputTokens: 1,
        totalTokens: 2,
      },
    }),
  ]);
  await create('old-silent', 2 * HOUR);
  await create('recent', 1_000);
  await store.close();
}

function serverOS(db: Store, staleRunAfterMs?: number) {
  return new AgentOS({
    agents: [
      new AgentFactory({
        id: 'crash-agent',
        db,
        factory: () => new Agent({ model: new ScriptedModel() }),
      }),
    ],
    logger: recordingLogger(),
    ...(staleRunAfterMs !== undefined && { staleRunAfterMs }),
  });
}

const dialects: { name: string; make: () => Store; skip: boolean }[] = [
  { name: 'SqliteDb', make: () => new SqliteDb({ dbFile: join(dir, 'crash.db') }), skip: false },
  {
    name: 'PostgresDb',
    make: () => new PostgresDb({ dbUrl: pg?.url ?? '', schema: 'crash_recovery' }),
    skip: pgMissing !== undefined,
  },
];

describe('runs left RUNNING by a crashed process', () => {
  for (const { name, make, skip } of dialects) {
    it.skipIf(skip)(
      `${name}: the next start ends the stale ones and leaves recent ones alone`,
      async () => {
        await leaveCrashedRuns(make());
        const db = make();
        const os = serverOS(db);
        const server = await os.serve({ port: 0 });
        try {
          const midway = await db.getRun('old-midway');
          expect(midway).toMatchObject({ status: 'ERROR', error: { code: 'RUN_INTERRUPTED' } });
          const midwayEvents = await db.listEvents('old-midway', 0);
          expect(midwayEvents.map((e) => [e.seq, e.event])).toEqual([
            [1, 'RunStarted'],
            [2, 'RunContent'],
            [3, 'RunError'],
          ]);
          expect(await db.getRun('old-ended')).toMatchObject({
            status: 'COMPLETED',
            content: 'done before the crash',
          });
          expect((await db.listEvents('old-ended', 0)).map((e) => e.event)).toEqual([
            'RunStarted',
            'RunCompleted',
          ]);
          expect(await db.getRun('old-silent')).toMatchObject({ status: 'ERROR' });
          expect((await db.listEvents('old-silent', 0)).map((e) => e.event)).toEqual(['RunError']);
          // Possibly live in another process sharing the db: left alone.
          expect((await db.getRun('recent'))?.status).toBe('RUNNING');
          // Clients see the outcome, and an event replay terminates.
          const rest = await fetch(`${server.url}/agents/crash-agent/runs/old-midway`);
          expect(await jsonBody(rest)).toMatchObject({
            status: 'ERROR',
            error: { code: 'RUN_INTERRUPTED' },
          });
          const replay = await (
            await fetch(`${server.url}/agents/crash-agent/runs/old-midway/events`)
          ).text();
          expect(replay).toContain('event: RunError');
        } finally {
          await server.close({ graceMs: 100 });
        }
        // A single-process deployment may say "anything RUNNING is stale" (0).
        const db2 = make();
        const server2 = await serverOS(db2, 0).serve({ port: 0 });
        try {
          expect((await db2.getRun('recent'))?.status).toBe('ERROR');
          const later = new Date(Date.now() + HOUR);
          const stale = { leaseExpiredBefore: later, writtenBefore: later, limit: 10 };
          expect(await db2.listStaleRuns?.(stale)).toEqual([]);
        } finally {
          await server2.close({ graceMs: 100 });
        }
      },
    );
  }
});
