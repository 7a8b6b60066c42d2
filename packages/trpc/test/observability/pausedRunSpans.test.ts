import { Agent, InMemoryDb, silentLogger } from '@agentmint/core';
import { OpenAIResponses } from '@agentmint/openai';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '@agentmint/testing';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { deleteFileTool } from '../deleteFileTool.ts';
import { form } from '../fixtures.ts';
import { MemoryTracing } from './memoryTracing.ts';

// A run that pauses for a human ends its `invoke_agent` span as PAUSED; its continue (same run id)
// gets a new span, in the continue request's trace, linked to the paused one. The metrics count
// the pause as a finish (PAUSED) and the continue as a start, so started − finished stays live.

const tracing = new MemoryTracing();
let fake: FakeOpenAIServer;
let server: ServerHandle;
const deleted: string[] = [];

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  fake = await startFakeOpenAIServer({ apiKey: 'sk-test' });
  const deleteFile = deleteFileTool(deleted);
  const model = new OpenAIResponses({
    id: 'gpt-test',
    baseURL: fake.url,
    apiKey: 'sk-test',
    maxRetries: 0,
  });
  const agent = new Agent({ id: 'files-agent', model, db: new InMemoryDb(), tools: [deleteFile] });
  const os = new AgentOS({
    agents: [agent],
    logger: silentLogger,
    tracing: { tracerProvider: tracing.provider },
    metrics: true,
  });
  server = await os.serve({ port: 0 });
});

afterAll(async () => {
  await server?.close({ graceMs: 100 });
  await fake?.close();
  await tracing.provider.shutdown();
  context.disable();
});

async function post(
  path: string,
  fields: Record<string, string>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', body: form(fields) });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('a paused and continued run', () => {
  it('ends the paused span as PAUSED and links the continue’s span to it', async () => {
    fake.script(
      { toolCalls: [{ id: 'call_1', name: 'delete_file', arguments: { path: '/tmp/old' } }] },
      { text: 'Deleted it.' },
    );
    const paused = await post('/agents/files-agent/runs', { message: 'clean up', stream: 'false' });
    expect(paused.status).toBe('PAUSED');
    const continued = await post(`/agents/files-agent/runs/${paused.run_id}/continue`, {
      tools: JSON.stringify([{ tool_call_id: 'call_1', confirmed: true }]),
      session_id: String(paused.session_id),
      stream: 'false',
    });
    expect(continued).toMatchObject({ run_id: paused.run_id, status: 'COMPLETED' });
    expect(deleted).toEqual(['/tmp/old']);

    const spans = await tracing.spans(2);
    const runs = spans.filter((s) => s.name === 'invoke_agent files-agent');
    expect(runs).toHaveLength(2);
    const [first, second] = runs.sort(
      (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    );
    expect(first!.attributes).toMatchObject({
      'agentmint.run.id': paused.run_id,
      'agentmint.run.status': 'PAUSED',
      'agentmint.run.pending_tool_calls': 1,
    });
    // Paused is not a failure.
    expect(first!.status.code).toBe(SpanStatusCode.UNSET);
    expect(second!.attributes).toMatchObject({
      'agentmint.run.id': paused.run_id,
      'agentmint.run.continued': true,
      'agentmint.run.status': 'COMPLETED',
    });
    expect(second!.links.map((link) => link.context.spanId)).toEqual([first!.spanContext().spanId]);
    // Each part is in the trace of the request that drove it.
    const requests = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(requests.map((s) => s.spanContext().spanId)).toEqual(
      expect.arrayContaining([first!.parentSpanContext?.spanId, second!.parentSpanContext?.spanId]),
    );
    // The confirmed call runs in the continue, inside its span.
    const tool = spans.find((s) => s.name === 'execute_tool delete_file');
    expect(tool?.parentSpanContext?.spanId).toBe(second!.spanContext().spanId);

    const scrape = await (await fetch(`${server.url}/metrics`)).text();
    expect(scrape).toContain('agentmint_runs_started_total{agent_id="files-agent"} 2');
    expect(scrape).toContain(
      'agentmint_runs_finished_total{agent_id="files-agent",status="PAUSED"} 1',
    );
    expect(scrape).toContain(
      'agentmint_runs_finished_total{agent_id="files-agent",status="COMPLETED"} 1',
    );
  });
});
