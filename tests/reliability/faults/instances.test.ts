import { PostgresDb } from '@agentmint/db';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '@agentmint/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, form, jsonBody, type SSEvent } from '../support/http.ts';
import { type Instance, readLive, startInstance } from '../support/instances.ts';
import {
  postgresSkipReason,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/postgres.ts';
import { RunLedger, runProblem, TERMINAL_EVENT } from '../support/runLedger.ts';
import { scaled, seededRandom } from '../support/scale.ts';

// Three AgentOS processes on one PostgreSQL schema, as a deployment behind a load balancer runs:
// any instance cancels or follows any run (LISTEN/NOTIFY), and a killed instance's runs end
// RUN_INTERRUPTED once their lease expires. Leases here: 8 s, renewed every 0.5 s, swept every
// 0.5 s, so a dead instance's runs end within ~8.5 s (the test allows far more). Not shorter: under
// the load case a starved heartbeat (3 s leases on a busy box) let a live run be taken for dead.

const unavailable = postgresSkipReason();

// The figure: 500 runs. The model answers at once, so the count costs CPU, not waiting.
const LOAD_RUNS = scaled(500, 60);
const CONCURRENCY = 24;
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);
const SCHEMA = 'instances';

describe.skipIf(unavailable !== undefined)('three instances on one PostgreSQL', () => {
  let pg: ThrowawayPostgres;
  let fake: FakeOpenAIServer;
  let db: PostgresDb;
  const instances: Instance[] = [];
  const url = (i: number) => instances[i]!.url;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    fake = await startFakeOpenAIServer({
      fallback: { text: 'fine answer', deltas: 3, delayMs: 5 },
    });
    // Migrated once up front, so the three start together without racing for the lock.
    db = new PostgresDb({ dbUrl: pg.url, schema: SCHEMA });
    await db.init();
    const env = {
      DATABASE_URL: pg.url,
      AGENTMINT_SCHEMA: SCHEMA,
      OPENAI_BASE_URL: fake.url,
      LEASE_TTL_MS: '8000',
      LEASE_HEARTBEAT_MS: '500',
      LEASE_SWEEP_MS: '500',
    };
    instances.push(
      ...(await Promise.all([startInstance(env), startInstance(env), startInstance(env)])),
    );
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await db?.close();
    await fake?.close();
    await pg?.destroy();
  });

  function start(instance: number, message: string): Promise<Response> {
    return fetch(`${url(instance)}/agents/relay/runs`, {
      method: 'POST',
      body: form({ message, stream: 'true' }),
    });
  }

  function watch(instance: number, runId: string, lastEventId = 0): Promise<Response> {
    return fetch(`${url(instance)}/agents/relay/runs/${runId}/events`, {
      headers: { 'last-event-id': String(lastEventId) },
    });
  }

  const seqs = (events: readonly SSEvent[]) => events.map((e) => Number(e.id));

  it('start on A, watch on B from the middle, cancel through C: A aborts its model request', async () => {
    fake.script({
      text: Array.from({ length: 60 }, (_, i) => `w${i}`).join(' '),
      deltas: 60,
      delayMs: 100,
    });
    const onA = readLive(await start(0, 'a long answer please'));
    await onA.atLeast(4);
    const runId = String(onA.events[0]!.data.run_id);
    const modelCall = fake.requests.at(-1)!;

    const onB = readLive(await watch(1, runId, 2));
    await onB.atLeast(1);
    const cancel = await fetch(`${url(2)}/agents/relay/runs/${runId}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);

    const [fromA, fromB] = await Promise.all([onA.done, onB.done]);
    await modelCall.closed;
    expect(modelCall.aborted).toBe(true);
    expect(fromA.at(-1)?.event).toBe('RunCancelled');
    expect(fromB.at(-1)?.event).toBe('RunCancelled');
    // B resumed after event 2: 3, 4, … each once, in order, to the terminal event.
    expect(seqs(fromB)).toEqual(fromB.map((_, i) => i + 3));
    expect(seqs(fromA)).toEqual(fromA.map((_, i) => i + 1));
    const row = await jsonBody(await fetch(`${url(2)}/agents/relay/runs/${runId}`));
    expect(row).toMatchObject({ status: 'CANCELLED' });
  });

  it(`${LOAD_RUNS} runs over three instances, watched and cancelled from others at random: one terminal row each, no gap, no duplicate, none stuck`, async () => {
    const random = seededRandom(SEED);
    const pick = (n: number) => Math.floor(random() * n);
    const outcomes: { runId: string; own: SSEvent[]; watched?: SSEvent[]; watchedAfter: number }[] =
      [];
    let next = 0;
    const worker = async () => {
      while (next < LOAD_RUNS) {
        next++;
        const home = pick(3);
        const other = (home + 1 + pick(2)) % 3;
        const live = readLive(await start(home, `load ${next}`));
        await live.atLeast(1);
        const runId = String(live.events[0]!.data.run_id);
        // Decided up front so the draws do not depend on timing: the seed reproduces the plan.
        const watchAfter = random() < 1 / 3 ? pick(3) : undefined;
        const cancel = random() < 1 / 5;
        const watched =
          watchAfter === undefined
            ? undefined
            : readLive(await watch(other, runId, watchAfter)).done;
        if (cancel) {
          const canceller = (home + 1 + pick(2)) % 3;
          await fetch(`${url(canceller)}/agents/relay/runs/${runId}/cancel`, { method: 'POST' });
        }
        const own = await live.done;
        outcomes.push({
          runId,
          own,
          watchedAfter: watchAfter ?? 0,
          ...(watched && { watched: await watched }),
        });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(outcomes).toHaveLength(LOAD_RUNS);
    // One read of what PostgreSQL holds: a row per run with its event count, last seq, last event.
    const ledger = new RunLedger(pg.url, SCHEMA);
    const rows = await ledger.byId().finally(() => ledger.close());
    const stuck = [...rows.values()].filter((row) => !TERMINAL_EVENT[row.status]);
    expect(stuck).toEqual([]);
    const problems: string[] = [];
    let cancelled = 0;
    for (const { runId, own, watched, watchedAfter } of outcomes) {
      const row = rows.get(runId);
      const problem = runProblem(runId, row);
      if (problem || !row) {
        problems.push(problem ?? runId);
        continue;
      }
      if (row.status === 'CANCELLED') cancelled++;
      else if (row.status !== 'COMPLETED') problems.push(`run ${runId}: ${row.status}`);
      const all = Array.from({ length: row.maxSeq }, (_, i) => i + 1);
      if (String(seqs(own)) !== String(all) || own.at(-1)?.event !== row.lastEvent)
        problems.push(`run ${runId}: its own stream saw ${seqs(own)} ending ${own.at(-1)?.event}`);
      if (watched && String(seqs(watched)) !== String(all.slice(watchedAfter)))
        problems.push(`run ${runId}: a watch after ${watchedAfter} saw ${seqs(watched)}`);
    }
    expect(problems).toEqual([]);
    console.info(`instances load (seed ${SEED}): ${LOAD_RUNS} runs, ${cancelled} cancelled`);
  });

  it('kill -9 of A mid-run: the run ends ERROR RUN_INTERRUPTED, and the watch on B ends with RunError', async () => {
    fake.script({
      text: Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '),
      deltas: 100,
      delayMs: 100,
    });
    const onA = readLive(await start(0, 'a run that will lose its server'));
    await onA.atLeast(4);
    const runId = String(onA.events[0]!.data.run_id);
    const onB = readLive(await watch(1, runId));
    await onB.atLeast(1);

    onA.done.catch(() => {}); // its server is about to die mid-response
    instances[0]!.process.kill('SIGKILL');

    const fromB = await onB.done;
    expect(fromB.at(-1)).toMatchObject({ event: 'RunError' });
    expect(fromB.at(-1)?.data).toMatchObject({ error_type: 'RUN_INTERRUPTED' });
    expect(seqs(fromB)).toEqual(fromB.map((_, i) => i + 1));
    const row = await eventually(async () => {
      const body = await jsonBody<{ status: string }>(
        await fetch(`${url(2)}/agents/relay/runs/${runId}`),
      );
      return body.status === 'ERROR' ? body : undefined;
    });
    expect(row).toMatchObject({ status: 'ERROR', error: { code: 'RUN_INTERRUPTED' } });
  });
});
