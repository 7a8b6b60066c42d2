import { PostgresDb } from '@agentmint/db';
import { ScriptedModel } from '@agentmint/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerOS } from '../../../apps/server/src/createServerOS.ts';
import { eventually } from '../support/http.ts';
import { runLoad, SERVER_SHAPES, tally } from '../support/loadClient.ts';
import {
  postgresSkipReason,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/postgres.ts';
import { RunLedger, runProblem } from '../support/runLedger.ts';
import { scaled } from '../support/scale.ts';
import { hsAuth, userToken } from '../support/tokens.ts';

// Issue figures: 2,000 runs at concurrency 64 against apps/server's agents on PostgreSQL. Every
// accepted run has exactly one row, a terminal status and all its events; no 5xx.

const RUNS = scaled(2_000, 50);
const CONCURRENCY = 64;
const unavailable = postgresSkipReason();

describe.skipIf(unavailable !== undefined)(
  `load: ${RUNS} runs at concurrency ${CONCURRENCY} on PostgresDb`,
  () => {
    let pg: ThrowawayPostgres;
    let ledger: RunLedger;
    beforeAll(async () => {
      pg = await startThrowawayPostgres();
      ledger = new RunLedger(pg.url);
    });
    afterAll(async () => {
      await ledger?.close();
      await pg?.destroy();
    });

    it('accepts every run, answers no 5xx, and loses nothing', async () => {
      const db = new PostgresDb({ dbUrl: pg.url, pool: { max: 10 } });
      const os = createServerOS({
        db,
        // A model per agent build, as the real server does; it streams a few deltas.
        model: () =>
          new ScriptedModel({
            record: false,
            fallback: { text: 'load test answer ok', deltas: 4 },
          }),
        auth: hsAuth,
      });
      const server = await os.serve({ port: 0 });
      const tokens = await Promise.all(
        Array.from({ length: 16 }, (_, i) => userToken(`load-user-${i}`, { role: 'editor' })),
      );
      const started = performance.now();
      const attempts = await runLoad({
        url: server.url,
        total: RUNS,
        concurrency: CONCURRENCY,
        shapes: SERVER_SHAPES,
        tokens,
      });
      const seconds = (performance.now() - started) / 1000;
      await eventually(() => (os.runtime.activeRunCount === 0 ? true : undefined), {
        timeoutMs: 30_000,
      });
      await server.close({ graceMs: 5_000 });

      const accepted = attempts.filter((a) => a.runId !== undefined);
      const serverErrors = attempts.filter((a) => a.status >= 500 || a.status === 0);
      const rows = await ledger.byId();
      const problems = accepted
        .map((a) => runProblem(a.runId!, rows.get(a.runId!)))
        .filter(Boolean);
      const figures = {
        attempted: attempts.length,
        accepted: accepted.length,
        lost: problems.length,
        '5xx': serverErrors.length,
        rows: rows.size,
        seconds: Number(seconds.toFixed(1)),
        runsPerSecond: Math.round(attempts.length / seconds),
      };
      console.info(`[reliability] load ${JSON.stringify(figures)}`);
      expect(attempts).toHaveLength(RUNS);
      expect(tally(serverErrors, (a) => `${a.shape} ${a.status} ${a.outcome}`)).toEqual({});
      const notCompleted = attempts.filter(
        (a) => !['COMPLETED', 'RunCompleted'].includes(a.outcome),
      );
      expect(tally(notCompleted, (a) => `${a.shape} ${a.status} ${a.outcome}`)).toEqual({});
      expect(accepted).toHaveLength(RUNS);
      expect(problems.slice(0, 10)).toEqual([]);
      // Exactly one row per accepted run, and no row nobody was told about.
      expect(rows.size).toBe(accepted.length);
      expect(new Set(accepted.map((a) => a.runId)).size).toBe(accepted.length);
    });
  },
);
