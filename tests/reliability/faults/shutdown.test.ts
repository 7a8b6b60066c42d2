import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, AgentFactory } from '@agentmint/core';
import { SqliteDb } from '@agentmint/db';
import { ScriptedModel } from '@agentmint/testing';
import { AgentOS } from '@agentmint/trpc';
import { afterAll, describe, expect, it } from 'vitest';
import { form, restFailure } from '../support/http.ts';
import { type Attempt, type LoadShape, runLoad, tally } from '../support/loadClient.ts';
import { recordingLogger } from '../support/servers.ts';

// close() during load: the server stops taking runs (503 SHUTTING_DOWN, or the connection is
// refused once it stops listening), lets in-flight runs finish within graceMs, cancels the rest,
// and returns within the bound, with every accepted run's row final — none left RUNNING.

const dir = mkdtempSync(join(tmpdir(), 'agentmint-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One agent, ~1.2 s per run, over REST JSON, REST SSE and tRPC. */
function slowOS(dbFile: string) {
  const db = new SqliteDb({ dbFile });
  const model = new ScriptedModel({
    record: false,
    fallback: {
      text: Array.from({ length: 24 }, (_, i) => `t${i}`).join(' '),
      deltas: 24,
      delayMs: 50,
    },
  });
  const os = new AgentOS({
    agents: [new AgentFactory({ id: 'slow-agent', db, factory: () => new Agent({ model }) })],
    logger: recordingLogger(),
  });
  return { os, db };
}

const shapes: LoadShape[] = [
  {
    name: 'rest-json',
    async send(url, _token, index) {
      const response = await fetch(`${url}/agents/slow-agent/runs`, {
        method: 'POST',
        body: form({ message: `m${index}`, stream: 'false' }),
      });
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      return {
        index,
        shape: 'rest-json',
        status: response.status,
        runId: response.ok ? String(body.run_id) : undefined,
        outcome: String(response.ok ? body.status : body.code),
      };
    },
  },
  {
    name: 'rest-sse',
    async send(url, _token, index) {
      const response = await fetch(`${url}/agents/slow-agent/runs`, {
        method: 'POST',
        body: form({ message: `m${index}`, stream: 'true' }),
      });
      const text = await response.text();
      const runId = /"run_id":"([^"]+)"/.exec(text)?.[1];
      const last = [...text.matchAll(/event: (\w+)/g)].at(-1)?.[1];
      const code = response.ok ? undefined : (JSON.parse(text) as { code: string }).code;
      return {
        index,
        shape: 'rest-sse',
        status: response.status,
        runId,
        outcome: code ?? last ?? 'EMPTY',
      };
    },
  },
];

async function finalRows(dbFile: string) {
  const reader = new SqliteDb({ dbFile });
  try {
    return await reader.listRuns({ limit: 100_000 });
  } finally {
    await reader.close();
  }
}

describe('close() during load', () => {
  for (const graceMs of [300, 10_000]) {
    it(`graceMs ${graceMs}: stops taking runs, ends in-flight ones within the bound, leaves nothing RUNNING`, async () => {
      const dbFile = join(dir, `shutdown-${graceMs}.db`);
      const { os } = slowOS(dbFile);
      const server = await os.serve({ port: 0 });
      let closingSince = 0;
      const load = runLoad({
        url: server.url,
        total: 10_000,
        concurrency: 24,
        shapes,
        tokens: [undefined],
        // Keep sending for a while after close() began, to see what new runs get.
        stop: () => closingSince > 0 && Date.now() - closingSince > 500,
      });
      await sleep(700);
      closingSince = Date.now();
      const closed = server.close({ graceMs });
      // In-process, so the request reaches the app even though the port no longer listens.
      await sleep(20);
      const refused = await os.fetch(
        new Request(`${server.url}/agents/slow-agent/runs`, {
          method: 'POST',
          body: form({ message: 'too late', stream: 'false' }),
        }),
      );
      expect(await restFailure(refused)).toMatchObject({ status: 503, code: 'SHUTTING_DOWN' });
      await closed;
      const closeMs = Date.now() - closingSince;
      const attempts: Attempt[] = await load;

      // Bounded: graceMs, plus the cancelled runs' final writes; with a 10 s grace, well before
      // it (the runs finish on their own). Generous: 3,035 ms was seen on a loaded 2-core box.
      expect(closeMs).toBeLessThan(graceMs === 300 ? 6_000 : 8_000);
      const accepted = attempts.filter((a) => a.runId !== undefined);
      expect(accepted.length).toBeGreaterThan(0);
      const outcomes = tally(attempts, (a) => `${a.status} ${a.networkError ?? a.outcome}`);
      // Every answer is a finished run, a cancelled one, or a clean refusal; no other 5xx.
      const unexpected = attempts.filter(
        (a) =>
          !(
            (a.status === 200 &&
              ['COMPLETED', 'CANCELLED', 'RunCompleted', 'RunCancelled'].includes(a.outcome)) ||
            (a.status === 503 && a.outcome === 'SHUTTING_DOWN') ||
            a.status === 0
          ),
      );
      expect(
        tally(unexpected, (a) => `${a.shape} ${a.status} ${a.outcome}`),
        JSON.stringify(outcomes),
      ).toEqual({});
      if (graceMs === 10_000) {
        // A long enough grace period lets every accepted run finish.
        expect(accepted.filter((a) => !['COMPLETED', 'RunCompleted'].includes(a.outcome))).toEqual(
          [],
        );
      }
      const rows = await finalRows(dbFile);
      const byId = new Map(rows.map((row) => [row.runId, row]));
      for (const attempt of accepted) {
        const row = byId.get(attempt.runId!);
        expect(row?.status, `run ${attempt.runId}`).toMatch(/^(COMPLETED|CANCELLED)$/);
      }
      expect(rows.filter((row) => row.status === 'RUNNING')).toEqual([]);
      console.info(
        `[reliability] close during load (graceMs ${graceMs}) ${JSON.stringify({
          closeMs,
          attempted: attempts.length,
          accepted: accepted.length,
          rows: rows.length,
          outcomes,
        })}`,
      );
    });
  }
});
