import { PostgresDb } from '@agentmint/db';
import { ScriptedModel } from '@agentmint/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServerOS } from '../../../apps/server/src/createServerOS.ts';
import { bearer, eventually, form, restFailure, trpcCall } from '../support/http.ts';
import { type Attempt, runLoad, SERVER_SHAPES, tally } from '../support/loadClient.ts';
import {
  postgresSkipReason,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/postgres.ts';
import { RunLedger, runProblem } from '../support/runLedger.ts';
import { hsAuth, userToken } from '../support/tokens.ts';

// PostgreSQL stops in the middle of a load and comes back. While it is down the server answers a
// clear 503 STORE_UNAVAILABLE; afterwards it recovers without a restart, and every run it accepted
// ends with one row, a terminal status and all its events — none lost, none RUNNING forever.

const unavailable = postgresSkipReason();
const OUTAGE_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(unavailable !== undefined)('PostgreSQL stopped mid-load and restarted', () => {
  let pg: ThrowawayPostgres;
  let ledger: RunLedger;
  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    ledger = new RunLedger(pg.url);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await pg?.ensureStarted();
  });
  afterAll(async () => {
    await ledger?.close();
    await pg?.destroy();
  });

  for (const mode of ['fast', 'immediate'] as const) {
    it(`answers 503 while down, recovers by itself, loses no accepted run (pg_ctl stop -m ${mode})`, async () => {
      // apps/server logs to the console: an outage means thousands of expected lines there.
      const consoleErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const db = new PostgresDb({ dbUrl: pg.url, pool: { max: 8 } });
      const os = createServerOS({
        db,
        // Runs last ~300 ms, so the outage catches many of them in flight.
        model: () =>
          new ScriptedModel({
            record: false,
            fallback: { text: 'slow steady answer here', deltas: 4, delayMs: 75 },
          }),
        auth: hsAuth,
      });
      const server = await os.serve({ port: 0 });
      const token = await userToken('outage-user', { role: 'viewer' });
      const tokens = await Promise.all(
        Array.from({ length: 8 }, (_, i) => userToken(`outage-${i}`, { role: 'viewer' })),
      );
      let phase: 'before' | 'down' | 'after' = 'before';
      const phases = new Map<Attempt, string>();
      let stopLoad = false;
      const load = runLoad({
        url: server.url,
        total: 100_000,
        concurrency: 16,
        shapes: SERVER_SHAPES,
        tokens,
        stop: () => stopLoad,
        onAttempt: (attempt) => phases.set(attempt, phase),
      });
      await sleep(1_500);
      await pg.stop(mode);
      phase = 'down';
      const downAt = Date.now();
      // While down: clear 503s on every kind of route, and /health still answers.
      await sleep(300);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const probes = {
        'REST run': await fetch(`${server.url}/agents/tenant-agent/runs`, {
          method: 'POST',
          headers: bearer(token),
          body: form({ message: 'while down', stream: 'false' }),
        }),
        'REST sessions': await fetch(`${server.url}/sessions`, { headers: bearer(token) }),
        'REST run read': await fetch(`${server.url}/agents/tenant-agent/runs/r-1`, {
          headers: bearer(token),
        }),
      };
      for (const [what, response] of Object.entries(probes)) {
        expect(await restFailure(response), what).toMatchObject({
          status: 503,
          code: 'STORE_UNAVAILABLE',
        });
      }
      const trpc = await trpcCall({
        url: server.url,
        path: 'sessions.list',
        type: 'query',
        headers: bearer(token),
      });
      expect(trpc.status).toBe(503);
      expect(trpc.error?.data.agentmintCode).toBe('STORE_UNAVAILABLE');
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
      await pg.start();
      phase = 'after';
      // Recovers without a restart: runs are accepted again within a few seconds.
      await eventually(
        async () => {
          const response = await fetch(`${server.url}/agents/tenant-agent/runs`, {
            method: 'POST',
            headers: bearer(token),
            body: form({ message: 'after', stream: 'false' }),
          });
          return response.status === 200 ? true : undefined;
        },
        { timeoutMs: 15_000, everyMs: 200, what: 'a run to succeed after PostgreSQL came back' },
      );
      await sleep(1_000);
      stopLoad = true;
      const attempts = await load;
      await eventually(() => (os.runtime.activeRunCount === 0 ? true : undefined), {
        timeoutMs: 30_000,
      });

      const accepted = attempts.filter((a) => a.runId !== undefined);
      const byPhase = tally(attempts, (a) => `${phases.get(a)} ${a.status} ${a.outcome}`);
      // Nothing but 503 STORE_UNAVAILABLE as a 5xx, and no connection failures.
      const bad5xx = attempts.filter(
        (a) => (a.status >= 500 && a.outcome !== 'STORE_UNAVAILABLE') || a.status === 0,
      );
      expect(tally(bad5xx, (a) => `${phases.get(a)} ${a.shape} ${a.status} ${a.outcome}`)).toEqual(
        {},
      );
      expect(accepted.filter((a) => phases.get(a) === 'after').length).toBeGreaterThan(0);
      // No accepted run is lost or stuck RUNNING: within a bound, every one is final and complete.
      const problems = await eventually(
        async () => {
          const rows = await ledger.byId();
          const found = accepted
            .map((a) => runProblem(a.runId!, rows.get(a.runId!)))
            .filter(Boolean);
          return found.length === 0 ? found : undefined;
        },
        {
          timeoutMs: 20_000,
          everyMs: 500,
          what: 'every accepted run to be final with all its events',
        },
      ).catch(async () => {
        const rows = await ledger.byId();
        return accepted.map((a) => runProblem(a.runId!, rows.get(a.runId!))).filter(Boolean);
      });
      console.info(
        `[reliability] postgres outage (${mode}) ${JSON.stringify({
          attempted: attempts.length,
          accepted: accepted.length,
          lost: problems.length,
          byPhase,
        })}`,
      );
      expect(problems.slice(0, 10)).toEqual([]);
      await server.close({ graceMs: 2_000 });
      // The outage was reported to operators, in the logs.
      expect(consoleErrors).toHaveBeenCalled();
    });
  }
});
