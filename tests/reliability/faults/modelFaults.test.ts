import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, AgentFactory } from '@agentmint/core';
import { SqliteDb } from '@agentmint/db';
import { OpenAIResponses } from '@agentmint/openai';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '@agentmint/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, form, jsonBody, readSSE, trpcCall } from '../support/http.ts';
import { closeServers, recordingLogger, startOS } from '../support/servers.ts';

// The model endpoint fails: HTTP 5xx/4xx, a request that never answers, a stream cut short. The
// real `openai` SDK path runs (OpenAIResponses → fake server over loopback). Every such run ends
// with RunError carrying a stable code, its row is ERROR, and the server keeps serving.

const API_KEY = 'sk-reliability-secret-key-123456';
const dir = mkdtempSync(join(tmpdir(), 'agentmint-model-faults-'));
const db = new SqliteDb({ dbFile: join(dir, 'model-faults.db') });
let fake: FakeOpenAIServer;
let url = '';

beforeAll(async () => {
  fake = await startFakeOpenAIServer({ apiKey: API_KEY });
  const model = (maxRetries: number) => () =>
    new OpenAIResponses({
      id: 'gpt-test',
      baseURL: fake.url,
      apiKey: API_KEY,
      maxRetries,
      timeoutMs: 800,
    });
  const noRetry = model(0);
  const withRetry = model(2);
  ({ url } = await startOS({
    agents: [
      new AgentFactory({ id: 'model-agent', db, factory: () => new Agent({ model: noRetry() }) }),
      new AgentFactory({
        id: 'retrying-agent',
        db,
        factory: () => new Agent({ model: withRetry() }),
      }),
    ],
    logger: recordingLogger(),
  }));
});
afterAll(async () => {
  await closeServers();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function restRun(agent: string, stream: boolean) {
  const response = await fetch(`${url}/agents/${agent}/runs`, {
    method: 'POST',
    body: form({ message: 'hello model', stream: String(stream) }),
  });
  expect(response.status).toBe(200);
  if (!stream) {
    const run = await jsonBody<{
      run_id: string;
      status: string;
      error?: { code: string; message: string };
    }>(response);
    return {
      runId: run.run_id,
      status: run.status,
      code: run.error?.code,
      message: run.error?.message ?? '',
    };
  }
  const events = await readSSE(response);
  const last = events.at(-1);
  return {
    runId: String(events[0]?.data.run_id),
    status: last?.event === 'RunError' ? 'ERROR' : String(last?.event),
    code: last?.data.error_type as string | undefined,
    message: String(last?.data.content ?? ''),
  };
}

/** The row as it settles: an SSE stream ends at the terminal event, just before the row is final. */
function settledRow(runId: string) {
  return eventually(
    async () => {
      const row = await db.getRun(runId);
      return row && row.status !== 'RUNNING' ? row : undefined;
    },
    { timeoutMs: 5_000, what: `run ${runId} to be final` },
  );
}

async function expectErrorRow(runId: string, code: string) {
  const row = await settledRow(runId);
  expect(row?.status).toBe('ERROR');
  expect(row?.error?.code).toBe(code);
  const events = await db.listEvents(runId, 0);
  expect(events.at(-1)?.event).toBe('RunError');
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}

describe('model endpoint faults (OpenAIResponses against the fake OpenAI server)', () => {
  const faults = [
    { name: 'HTTP 500', turn: { fault: 'status', status: 500 } as const, mention: 'HTTP 500' },
    { name: 'HTTP 503', turn: { fault: 'status', status: 503 } as const, mention: 'HTTP 503' },
    { name: 'HTTP 429', turn: { fault: 'status', status: 429 } as const, mention: 'HTTP 429' },
    { name: 'HTTP 401', turn: { fault: 'status', status: 401 } as const, mention: 'HTTP 401' },
    { name: 'a hang (timeout)', turn: { fault: 'hang' } as const, mention: 'timed out' },
    { name: 'a truncated answer', turn: { fault: 'truncate' } as const, mention: '' },
  ];

  for (const { name, turn, mention } of faults) {
    it(`${name}: RunError MODEL_ERROR, row ERROR — REST JSON, REST SSE and tRPC`, async () => {
      for (const transport of ['json', 'sse', 'trpc'] as const) {
        fake.script(turn);
        const started = Date.now();
        let outcome: { runId: string; status: string; code: string | undefined; message: string };
        if (transport === 'trpc') {
          const result = await trpcCall({
            url,
            path: 'agents.model-agent.run',
            type: 'mutation',
            input: { message: 'hello model' },
          });
          expect(result.status).toBe(200);
          const run = result.result as {
            runId: string;
            status: string;
            error: { code: string; message: string };
          };
          outcome = {
            runId: run.runId,
            status: run.status,
            code: run.error?.code,
            message: run.error?.message,
          };
        } else {
          outcome = await restRun('model-agent', transport === 'sse');
        }
        const what = `${name} over ${transport}`;
        expect(outcome.status, what).toBe('ERROR');
        expect(outcome.code, what).toBe('MODEL_ERROR');
        expect(outcome.message, what).toContain(mention);
        // Public messages carry no key, URL or stack.
        expect(outcome.message, what).not.toMatch(/sk-|127\.0\.0\.1|at \w+ \(/);
        // Bounded: the 800 ms client timeout, with no retries on this agent.
        expect(Date.now() - started, what).toBeLessThan(5_000);
        await expectErrorRow(outcome.runId, 'MODEL_ERROR');
      }
    });
  }

  it('retries transient failures when configured, and fails cleanly when they persist', async () => {
    fake.script({ fault: 'status', status: 500 }, { fault: 'status', status: 503 });
    const recovered = await restRun('retrying-agent', false);
    expect(recovered.status).toBe('COMPLETED');
    fake.script(
      { fault: 'status', status: 500 },
      { fault: 'status', status: 500 },
      { fault: 'status', status: 500 },
    );
    const failed = await restRun('retrying-agent', false);
    expect(failed).toMatchObject({ status: 'ERROR', code: 'MODEL_ERROR' });
    await expectErrorRow(failed.runId, 'MODEL_ERROR');
    expect(fake.pending).toBe(0);
  });

  it('keeps serving after every fault', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const ok = await restRun('model-agent', true);
    expect(ok.status).toBe('RunCompleted');
    expect((await settledRow(ok.runId)).status).toBe('COMPLETED');
  });
});
