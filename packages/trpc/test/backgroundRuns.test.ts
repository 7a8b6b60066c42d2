import { afterEach, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { form, readSSE, seedOS } from './fixtures.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

async function start() {
  const setup = seedOS();
  const server = await setup.os.serve({ port: 0 });
  servers.push(server);
  return { ...setup, url: server.url };
}

describe("REST background runs and Agno's resume", () => {
  it('background=true, stream=false: 202 { run_id, session_id, status }, and the run completes', async () => {
    const { url, os } = await start();
    const response = await fetch(`${url}/agents/tenant-agent/runs`, {
      method: 'POST',
      body: form({ message: 'in the background', stream: 'false', background: 'true' }),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { run_id: string; session_id: string; status: string };
    expect(body).toMatchObject({ status: 'RUNNING', session_id: expect.any(String) });

    // Resume from the start (no last_event_index): every event, each with its 0-based index.
    const resumed = await readSSE(
      await fetch(`${url}/agents/tenant-agent/runs/${body.run_id}/resume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({}),
      }),
    );
    expect(resumed.at(-1)?.event).toBe('RunCompleted');
    expect(resumed.map((e) => e.data.event_index)).toEqual(resumed.map((_, i) => i));
    expect((await os.runtime.getRun(body.run_id)).status).toBe('COMPLETED');

    // last_event_index 1: the events after the second one, never a new run.
    const after = await readSSE(
      await fetch(`${url}/agents/tenant-agent/runs/${body.run_id}/resume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ last_event_index: 1 }),
      }),
    );
    expect(after.map((e) => e.data.event_index)).toEqual(
      resumed.slice(2).map((e) => e.data.event_index),
    );
    expect((await os.runtime.reads.listSessions({}, undefined)).length).toBe(1);
  });

  it('refuses a last_event_index that is not an integer from 0 (400)', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/agents/tenant-agent/runs/some-run/resume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ last_event_index: 'x' }),
    });
    expect(response.status).toBe(400);
  });

  it('background=true, stream=true: the run survives its client leaving', async () => {
    const { url, os } = await start();
    const controller = new AbortController();
    const response = await fetch(`${url}/agents/tenant-agent/runs`, {
      method: 'POST',
      body: form({ message: 'keep going', stream: 'true', background: 'true' }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const runId = /"run_id":"([^"]+)"/.exec(first)?.[1];
    expect(runId).toBeDefined();
    controller.abort();
    const events = await readSSE(await fetch(`${url}/agents/tenant-agent/runs/${runId}/events`));
    expect(events.at(-1)?.event).toBe('RunCompleted');
    expect((await os.runtime.getRun(runId!)).status).toBe('COMPLETED');
  });
});
