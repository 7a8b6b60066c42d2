import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, AgentFactory } from '@agentmint/core';
import { SqliteDb } from '@agentmint/db';
import { OpenAIResponses } from '@agentmint/openai';
import { type FakeOpenAIServer, ScriptedModel, startFakeOpenAIServer } from '@agentmint/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, form, parseSSE, trpcCall, trpcSubscribe } from '../support/http.ts';
import { closeServers, recordingLogger, startOS } from '../support/servers.ts';

// A client that goes away mid-run: the REST stream (which cannot resume) cancels its run at once,
// the model request is aborted, and the row ends CANCELLED with RunCancelled as its last event. A
// tRPC run is detached: by default nothing but runs.cancel stops it; with resumeGraceMs set (as
// here), it is cancelled once its last watcher has been gone that long.

const dir = mkdtempSync(join(tmpdir(), 'agentmint-disconnect-'));
const db = new SqliteDb({ dbFile: join(dir, 'disconnect.db') });
let fake: FakeOpenAIServer;
let url = '';
let os: Awaited<ReturnType<typeof startOS>>['os'];
const slowText = Array.from({ length: 40 }, (_, i) => `tok${i}`).join(' ');

beforeAll(async () => {
  fake = await startFakeOpenAIServer({ fallback: { text: slowText, deltas: 40, delayMs: 100 } });
  const scripted = new ScriptedModel({ fallback: { text: slowText, deltas: 40, delayMs: 100 } });
  ({ url, os } = await startOS({
    agents: [
      new AgentFactory({ id: 'scripted-agent', db, factory: () => new Agent({ model: scripted }) }),
      new AgentFactory({
        id: 'openai-agent',
        db,
        factory: () =>
          new Agent({
            model: new OpenAIResponses({
              id: 'gpt-test',
              baseURL: fake.url,
              apiKey: 'k',
              maxRetries: 0,
            }),
          }),
      }),
    ],
    logger: recordingLogger(),
    // 10x the 100 ms the resume below waits (a busy box must not make it late), and well under the 4 s answer.
    resumeGraceMs: 1_000,
    maxConcurrentRunsPerUser: 1,
  }));
});
afterAll(async () => {
  await closeServers();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a REST stream, reads until `events` SSE events arrived, then drops the connection. */
async function streamThenDisconnect(
  agent: string,
  events: number,
  fields: Record<string, string> = {},
) {
  const controller = new AbortController();
  const response = await fetch(`${url}/agents/${agent}/runs`, {
    method: 'POST',
    body: form({ message: 'talk slowly', stream: 'true', user_id: 'drop-user', ...fields }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (parseSSE(text.slice(0, text.lastIndexOf('\n\n') + 2)).length < events) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error('the stream ended before the disconnect');
    text += decoder.decode(chunk.value, { stream: true });
  }
  controller.abort();
  const seen = parseSSE(text.slice(0, text.lastIndexOf('\n\n') + 2));
  return { runId: String(seen[0]?.data.run_id), seen };
}

async function finalRow(runId: string, timeoutMs = 5_000) {
  return eventually(
    async () => {
      const row = await db.getRun(runId);
      return row && row.status !== 'RUNNING' ? row : undefined;
    },
    { timeoutMs, what: `run ${runId} to end` },
  );
}

describe('client disconnects mid-stream', () => {
  it('REST stream: the run is cancelled, its row CANCELLED, RunCancelled stored last', async () => {
    const { runId, seen } = await streamThenDisconnect('scripted-agent', 5);
    expect(seen.some((e) => e.event === 'RunContent')).toBe(true);
    const row = await finalRow(runId);
    expect(row.status).toBe('CANCELLED');
    const events = await eventually(async () => {
      const stored = await db.listEvents(runId, 0);
      return stored.at(-1)?.event === 'RunCancelled' ? stored : undefined;
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // Cut short: fewer deltas than the whole answer has, and no RunCompleted (no clock needed).
    expect(events.filter((e) => e.event === 'RunContent').length).toBeLessThan(40);
    expect(events.some((e) => e.event === 'RunCompleted')).toBe(false);
  });

  it('REST stream over the real OpenAI SDK: the model HTTP request is aborted too', async () => {
    const before = fake.requests.length;
    const { runId } = await streamThenDisconnect('openai-agent', 5);
    expect((await finalRow(runId)).status).toBe('CANCELLED');
    const request = fake.requests[before];
    expect(request).toBeDefined();
    await request?.closed;
    expect(request?.aborted).toBe(true);
  });

  it('REST JSON (stream=false): a client that gives up cancels the run', async () => {
    const controller = new AbortController();
    const pending = fetch(`${url}/agents/scripted-agent/runs`, {
      method: 'POST',
      body: form({ message: 'talk slowly', stream: 'false', user_id: 'drop-user' }),
      signal: controller.signal,
    }).catch(() => undefined);
    await eventually(() => (os.runtime.activeRunCount === 1 ? true : undefined));
    const runId = [...(await db.listRuns({ agentId: 'scripted-agent' }))].find(
      (r) => r.status === 'RUNNING',
    )?.runId;
    controller.abort();
    await pending;
    expect(runId).toBeDefined();
    expect((await finalRow(runId!)).status).toBe('CANCELLED');
  });

  it('tRPC start: a run nobody watches runs to the end (detached)', async () => {
    const started = await trpcCall({
      url,
      path: 'agents.scripted-agent.start',
      type: 'mutation',
      input: { message: 'talk slowly', userId: 'unwatched-user' },
    });
    const { runId } = started.result as { runId: string };
    expect((await finalRow(runId, 15_000)).status).toBe('COMPLETED');
  }, 20_000);

  it('tRPC watch with resumeGraceMs set: a resume in time keeps the run; gone for good cancels it', async () => {
    const start = async () => {
      const started = await trpcCall({
        url,
        path: 'agents.scripted-agent.start',
        type: 'mutation',
        input: { message: 'talk slowly', userId: 'drop-user' },
      });
      return (started.result as { runId: string }).runId;
    };
    // Watch, take a few events, go away, come back within the grace period: the run goes on.
    const runId = await start();
    const first = await trpcSubscribe({
      url,
      path: 'runs.watch',
      input: { runId },
      until: (events) => events.filter((e) => e.event === 'message').length >= 4,
    });
    const lastId = first.events.filter((e) => e.event === 'message').at(-1)?.id;
    expect(lastId).toBe(`${runId}:4`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const resumed = await trpcSubscribe({
      url,
      path: 'runs.watch',
      input: { runId, lastEventId: lastId },
      timeoutMs: 10_000,
    });
    const names = resumed.events
      .filter((e) => e.event === 'message')
      .map((e) => (e.data.json as { event: string }).event);
    expect(names.at(-1)).toBe('RunCompleted');
    expect((await finalRow(runId)).status).toBe('COMPLETED');

    // Watch and go away for good: cancelled once the grace period is over.
    const goneRun = await start();
    await trpcSubscribe({
      url,
      path: 'runs.watch',
      input: { runId: goneRun },
      until: (events) => events.filter((e) => e.event === 'message').length >= 3,
    });
    const row = await finalRow(goneRun, 20_000);
    expect(row.status).toBe('CANCELLED');
  });

  it('frees the per-user slot and keeps serving after every disconnect', async () => {
    await eventually(() => (os.runtime.activeRunCount === 0 ? true : undefined));
    const response = await fetch(`${url}/agents/scripted-agent/runs`, {
      method: 'POST',
      body: form({ message: 'hi', stream: 'false', user_id: 'drop-user' }),
    });
    expect(response.status).toBe(200);
    expect(
      await db.listRuns({}, undefined).then((rows) => rows.filter((r) => r.status === 'RUNNING')),
    ).toEqual([]);
  });
});
