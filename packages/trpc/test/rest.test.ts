import { afterEach, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { form, readSSE, seedOS } from './fixtures.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

async function start(setup = seedOS()) {
  const server = await setup.os.serve({ port: 0 });
  servers.push(server);
  return { ...setup, server, url: server.url };
}

describe('REST compatibility (Agno AgentOS routes)', () => {
  it("runs the seed's first curl verbatim: multipart, user_id, stream=false", async () => {
    const { url, seen } = await start();
    const response = await fetch(`${url}/agents/tenant-agent/runs`, {
      method: 'POST',
      body: form({ message: 'Hello, who are you?', user_id: 'tenant_42', stream: 'false' }),
    });
    expect(response.status).toBe(200);
    const run = (await response.json()) as Record<string, unknown>;
    expect(run).toMatchObject({
      agent_id: 'tenant-agent',
      user_id: 'tenant_42',
      status: 'COMPLETED',
      content: 'echo: Hello, who are you?',
      content_type: 'str',
      model: 'scripted',
    });
    expect(typeof run.run_id).toBe('string');
    expect(typeof run.session_id).toBe('string');
    expect(typeof run.created_at).toBe('number');
    expect(run.metrics).toMatchObject({
      input_tokens: expect.any(Number),
      total_tokens: expect.any(Number),
    });
    expect(run.messages).toEqual([
      { role: 'user', content: 'Hello, who are you?' },
      { role: 'assistant', content: 'echo: Hello, who are you?' },
    ]);
    expect(seen.userIds).toEqual(['tenant_42']);
  });

  it("runs the seed's second curl verbatim: factory_input as a JSON string", async () => {
    const { url, seen } = await start();
    const response = await fetch(`${url}/agents/research-agent/runs`, {
      method: 'POST',
      body: form({
        message: 'What are the latest trends in AI?',
        factory_input: '{"persona": "skeptic", "depth": 5}',
        stream: 'false',
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'COMPLETED',
      agent_id: 'research-agent',
    });
    expect(seen.inputs).toEqual([{ persona: 'skeptic', depth: 5 }]);
  });

  it('applies schema defaults when factory_input is omitted', async () => {
    const { url, seen } = await start();
    const response = await fetch(`${url}/agents/research-agent/runs`, {
      method: 'POST',
      body: new URLSearchParams({ message: 'hi', stream: 'false' }),
    });
    expect(response.status).toBe(200);
    expect(seen.inputs).toEqual([{ persona: 'analyst', depth: 3 }]);
  });

  it('accepts JSON bodies with factory_input as an object', async () => {
    const { url, seen } = await start();
    const response = await fetch(`${url}/agents/research-agent/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi', stream: false, factory_input: { persona: 'advisor' } }),
    });
    expect(response.status).toBe(200);
    expect(seen.inputs).toEqual([{ persona: 'advisor', depth: 3 }]);
  });

  it('answers 400 naming the form field factory_input (not factoryInput), and never calls the factory', async () => {
    const { url, calls } = await start();
    const response = await fetch(`${url}/agents/research-agent/runs`, {
      method: 'POST',
      body: form({ message: 'hi', factory_input: '{"depth":"x"}', stream: 'false' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      detail: string;
      code: string;
      issues: { path: string[] }[];
    };
    expect(body.code).toBe('FACTORY_VALIDATION');
    expect(body.detail).toBe(
      'Invalid factory_input: factory_input.depth: Invalid input: expected number, received string',
    );
    expect(body.issues[0]?.path).toEqual(['factory_input', 'depth']);
    expect(calls.research).toBe(0);
  });

  it.each([
    ['not JSON', '{persona'],
    ['an array', '[1,2]'],
    ['a number', '42'],
    ['a failed enum', '{"persona":"pirate"}'],
  ])('answers 400 FACTORY_VALIDATION for factory_input that is %s', async (_, value) => {
    const { url, calls } = await start();
    const response = await fetch(`${url}/agents/research-agent/runs`, {
      method: 'POST',
      body: form({ message: 'hi', factory_input: value, stream: 'false' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('FACTORY_VALIDATION');
    expect(calls.research).toBe(0);
  });

  it('answers 403 with the factory message for FactoryPermissionError', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/agents/workspace-agent/runs`, {
      method: 'POST',
      body: form({ message: 'hi', stream: 'false' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      detail: 'A role claim is required',
      code: 'FACTORY_FORBIDDEN',
    });
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/agents/nobody/runs`, {
      method: 'POST',
      body: form({ message: 'hi', stream: 'false' }),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe('AGENT_NOT_FOUND');
  });

  it('answers 400 when message is missing', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/agents/tenant-agent/runs`, {
      method: 'POST',
      body: form({ stream: 'false' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('BAD_REQUEST');
  });

  it('streams the Agno SSE event sequence when stream=true (the default)', async () => {
    const setup = seedOS();
    setup.model.script({ text: 'one two three', deltas: 3 });
    const { url } = await start(setup);
    const response = await fetch(`${url}/agents/tenant-agent/runs`, {
      method: 'POST',
      body: form({ message: 'hi' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSSE(response);
    expect(events.map((e) => e.event)).toEqual([
      'RunStarted',
      'ModelRequestStarted',
      'RunContent',
      'RunContent',
      'RunContent',
      'ModelRequestCompleted',
      'RunContentCompleted',
      'RunCompleted',
    ]);
    for (const { event, data } of events) {
      expect(data).toMatchObject({ event, agent_id: 'tenant-agent' });
      expect(typeof data.created_at).toBe('number');
      expect(typeof data.run_id).toBe('string');
      expect(typeof data.session_id).toBe('string');
    }
    const deltas = events.filter((e) => e.event === 'RunContent').map((e) => e.data.content);
    expect(deltas.join('')).toBe('one two three');
  });

  it('ends the SSE stream only once the run row is final (a read right after sees COMPLETED)', async () => {
    const { url } = await start();
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${url}/agents/tenant-agent/runs`, {
        method: 'POST',
        body: form({ message: `hi ${i}` }),
      });
      const events = await readSSE(response);
      const runId = events[0]?.data.run_id as string;
      const record = (await (await fetch(`${url}/agents/tenant-agent/runs/${runId}`)).json()) as {
        status: string;
      };
      expect(record.status).toBe('COMPLETED');
    }
  });

  it('lists agents with is_factory and the input JSON Schema, without calling any factory', async () => {
    const { url, calls } = await start();
    const agents = (await (await fetch(`${url}/agents`)).json()) as Record<string, unknown>[];
    expect(agents.map((a) => [a.id, a.is_factory])).toEqual([
      ['tenant-agent', true],
      ['research-agent', true],
      ['workspace-agent', true],
      ['plain-agent', false],
    ]);
    const research = (await (await fetch(`${url}/agents/research-agent`)).json()) as {
      factory_input_schema: { properties: Record<string, unknown>; required?: string[] };
    };
    expect(Object.keys(research.factory_input_schema.properties)).toEqual(['persona', 'depth']);
    expect(research.factory_input_schema.required ?? []).toEqual([]);
    expect(calls).toEqual({ tenant: 0, research: 0, workspace: 0, plain: 0 });
  });

  it('cancels a streaming run: RunCancelled ends the stream, the row is CANCELLED, no factory call', async () => {
    const setup = seedOS();
    setup.model.script({ text: 'a b c d e f g h i j', deltas: 10, delayMs: 50 });
    const { url, calls } = await start(setup);
    const response = await fetch(`${url}/agents/tenant-agent/runs`, {
      method: 'POST',
      body: form({ message: 'hi' }),
    });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const runId = /"run_id":"([^"]+)"/.exec(first)?.[1];
    expect(runId).toBeDefined();
    const factoryCalls = calls.tenant;
    const cancel = await fetch(`${url}/agents/tenant-agent/runs/${runId}/cancel`, {
      method: 'POST',
    });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toEqual({});
    let rest = first;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toContain('event: RunCancelled');
    expect(rest).not.toContain('event: RunCompleted');
    expect(calls.tenant).toBe(factoryCalls);
    const record = (await (await fetch(`${url}/agents/tenant-agent/runs/${runId}`)).json()) as {
      status: string;
    };
    expect(record.status).toBe('CANCELLED');
  });

  it('serves get-run and the sessions endpoints for factory agents', async () => {
    const { url } = await start();
    const run = (await (
      await fetch(`${url}/agents/research-agent/runs`, {
        method: 'POST',
        body: form({ message: 'first', stream: 'false', user_id: 'u1' }),
      })
    ).json()) as { run_id: string; session_id: string };
    const got = await fetch(`${url}/agents/research-agent/runs/${run.run_id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ run_id: run.run_id, status: 'COMPLETED' });

    const list = (await (await fetch(`${url}/sessions`)).json()) as {
      data: { session_id: string }[];
    };
    expect(list.data.map((s) => s.session_id)).toContain(run.session_id);
    const session = (await (await fetch(`${url}/sessions/${run.session_id}`)).json()) as {
      runs: unknown[];
    };
    expect(session.runs).toHaveLength(1);
    const renamed = await fetch(`${url}/sessions/${run.session_id}/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_name: 'Trends' }),
    });
    expect(((await renamed.json()) as { session_name: string }).session_name).toBe('Trends');
    expect((await fetch(`${url}/sessions/${run.session_id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await fetch(`${url}/sessions/${run.session_id}`)).status).toBe(404);
  });

  it('answers /health without auth', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('keeps history across runs of one session', async () => {
    const setup = seedOS();
    const { url, model } = await start(setup);
    const first = (await (
      await fetch(`${url}/agents/tenant-agent/runs`, {
        method: 'POST',
        body: form({ message: 'one', stream: 'false' }),
      })
    ).json()) as { session_id: string };
    await fetch(`${url}/agents/tenant-agent/runs`, {
      method: 'POST',
      body: form({ message: 'two', stream: 'false', session_id: first.session_id }),
    });
    const contents = model.lastRequest?.messages.map((m) => m.content);
    expect(contents).toEqual([expect.stringContaining('tenant'), 'one', 'echo: one', 'two']);
  });
});
