import { Agent, AgentFactory, InMemoryDb, tool } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { form } from '../fixtures.ts';

// GET /metrics after a mix of runs (completed with tool calls, failed, refused input, streamed),
// read back with a Prometheus text-format parser.

const TOKEN = 'scrape-token-for-tests';
const model = new ScriptedModel({ id: 'model-a' });
let release: () => void = () => {};
let server: ServerHandle;

beforeAll(async () => {
  const db = new InMemoryDb();
  const calc = new AgentFactory({
    id: 'calc-agent',
    db,
    inputSchema: z.object({ precision: z.number().int().default(2) }),
    factory: () =>
      new Agent({
        model,
        tools: [
          tool({
            name: 'add',
            description: 'Adds',
            parameters: z.object({ a: z.number(), b: z.number() }),
            execute: ({ a, b }) => a + b,
          }),
          tool({
            name: 'wait_for_test',
            description: 'Blocks until the test lets it go',
            parameters: z.object({}),
            execute: () => new Promise<string>((resolve) => (release = () => resolve('go'))),
          }),
        ],
      }),
  });
  const os = new AgentOS({
    agents: [calc],
    metrics: { token: TOKEN },
    tracing: false,
    logger: { info() {}, warn() {}, error() {} },
  });
  server = await os.serve({ port: 0 });
});

afterAll(async () => {
  await server?.close({ graceMs: 100 });
});

function run(fields: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/agents/calc-agent/runs`, { method: 'POST', body: form(fields) });
}

async function scrape() {
  const response = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  // The parser folds a histogram's series into one, dropping their labels; read without the
  // histogram TYPE lines, each `_count` series is a family of its own, labels kept.
  const families = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram\n/gm, ''));

  return (name: string, labels: Record<string, string> = {}) => {
    // Histogram series come back as `<name>_count` families, one per label set.
    const counts = families.filter((f) => f.name === `${name}_count`);
    const found = counts.length > 0 ? counts : families.filter((f) => f.name === name);
    if (found.length === 0) throw new Error(`no metric ${name}`);
    const sample = found
      .flatMap((f) => f.metrics)
      .find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    return sample ? Number(sample.value) : 0;
  };
}

describe('Prometheus metrics', () => {
  it('refuses a scrape without the metrics token', async () => {
    const missing = await fetch(`${server.url}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await missing.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
  });

  it('counts runs, resolves, model calls, tokens, tool calls, streams and active runs', async () => {
    model.script(
      {
        toolCalls: [
          { name: 'add', arguments: { a: 1, b: 2 } },
          { name: 'add', arguments: { a: 'x' } },
        ],
        usage: { inputTokens: 10, outputTokens: 4 },
      },
      { text: '3', usage: { inputTokens: 20, outputTokens: 1 } },
      { error: 'model down' },
    );
    expect(await (await run({ message: 'add', stream: 'false' })).json()).toMatchObject({
      status: 'COMPLETED',
    });
    expect(await (await run({ message: 'fail', stream: 'false' })).json()).toMatchObject({
      status: 'ERROR',
    });
    expect((await run({ message: 'bad', factory_input: '{"precision":"x"}' })).status).toBe(400);

    // A streamed run held inside a tool: one open stream and one active run while it waits.
    model.script({ toolCalls: [{ name: 'wait_for_test', arguments: {} }] }, { text: 'done' });
    const streamed = await run({ message: 'stream', stream: 'true' });
    const reader = streamed.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!received.includes('event: ToolCallStarted')) {
      const next = await reader.read();
      if (next.done) throw new Error(`stream ended early: ${received}`);
      received += next.value;
    }
    const during = await scrape();
    expect(during('agentmint_open_streams')).toBe(1);
    expect(during('agentmint_active_runs')).toBe(1);
    release();
    while (!(await reader.read()).done) {}

    const after = await scrape();
    const agent = { agent_id: 'calc-agent' };
    expect(after('agentmint_runs_started_total', agent)).toBe(3);
    expect(after('agentmint_runs_finished_total', { ...agent, status: 'COMPLETED' })).toBe(2);
    expect(after('agentmint_runs_finished_total', { ...agent, status: 'ERROR' })).toBe(1);
    expect(after('agentmint_factory_resolve_duration_seconds', { ...agent, outcome: 'ok' })).toBe(
      3,
    );
    expect(
      after('agentmint_factory_resolve_duration_seconds', { ...agent, outcome: 'error' }),
    ).toBe(1);
    const modelLabels = { ...agent, model: 'model-a' };
    expect(
      after('agentmint_model_request_duration_seconds', { ...modelLabels, outcome: 'ok' }),
    ).toBe(4);
    expect(
      after('agentmint_model_request_duration_seconds', { ...modelLabels, outcome: 'error' }),
    ).toBe(1);
    expect(
      after('agentmint_model_tokens_total', { ...modelLabels, type: 'input' }),
    ).toBeGreaterThanOrEqual(30);
    expect(
      after('agentmint_model_tokens_total', { ...modelLabels, type: 'output' }),
    ).toBeGreaterThanOrEqual(5);
    expect(after('agentmint_tool_calls_total', { ...agent, tool: 'add', outcome: 'ok' })).toBe(1);
    expect(after('agentmint_tool_calls_total', { ...agent, tool: 'add', outcome: 'error' })).toBe(
      1,
    );
    expect(
      after('agentmint_tool_calls_total', { ...agent, tool: 'wait_for_test', outcome: 'ok' }),
    ).toBe(1);
    expect(after('agentmint_open_streams')).toBe(0);
    expect(after('agentmint_active_runs')).toBe(0);
    expect(after('agentmint_store_errors_total')).toBe(0);
  });
});
