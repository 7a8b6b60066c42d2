import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Agent, AgentFactory, InMemoryDb, tool } from '@agentmint/core';
import { OpenAIResponses } from '@agentmint/openai';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '@agentmint/testing';
import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { form } from '../fixtures.ts';
import { MemoryTracing } from './memoryTracing.ts';
import { spanTree } from './spanTree.ts';

// Model and tool calls run inside their spans: what the openai SDK's HTTP request starts (here a
// host's fetch instrumentation, on undici's diagnostics channel as @opentelemetry/instrumentation-
// undici does) nests under `chat`, and a tool's own spans nest under `execute_tool`.

const tracing = new MemoryTracing();
const host = tracing.provider.getTracer('host-instrumentation');
let fake: FakeOpenAIServer;
let server: ServerHandle;

/** What a host's fetch instrumentation does: a CLIENT span per request to the model's server. */
function onRequestCreated(message: unknown): void {
  const { request } = message as { request: { origin: string; method: string } };
  if (!fake || request.origin !== new URL(fake.url).origin) return;
  host.startSpan(`HTTP ${request.method}`, { kind: SpanKind.CLIENT }).end();
}

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  subscribe('undici:request:create', onRequestCreated);
  fake = await startFakeOpenAIServer({ apiKey: 'sk-test' });
  const db = new InMemoryDb();
  const lookup = tool({
    name: 'lookup',
    description: 'Looks a word up',
    parameters: z.object({ word: z.string() }),
    // The tool's own span: a child of whatever span is active while it runs.
    execute: ({ word }) =>
      host.startActiveSpan('dictionary.query', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        span.end();
        return `${word}: a word`;
      }),
  });
  const factory = new AgentFactory({
    id: 'nested-agent',
    db,
    factory: () =>
      new Agent({
        model: new OpenAIResponses({
          id: 'gpt-test',
          baseURL: fake.url,
          apiKey: 'sk-test',
          maxRetries: 0,
        }),
        tools: [lookup],
      }),
  });
  const os = new AgentOS({ agents: [factory], tracing: { tracerProvider: tracing.provider } });
  server = await os.serve({ port: 0 });
});

afterEach(() => tracing.exporter.reset());

afterAll(async () => {
  unsubscribe('undici:request:create', onRequestCreated);
  await server?.close({ graceMs: 100 });
  await fake?.close();
  await tracing.provider.shutdown();
  context.disable();
});

async function run(stream: boolean): Promise<ReadableSpan[]> {
  fake.script(
    { toolCalls: [{ name: 'lookup', arguments: { word: 'otter' }, id: 'call_1' }] },
    { text: 'An otter is a mammal.' },
  );
  const response = await fetch(`${server.url}/agents/nested-agent/runs`, {
    method: 'POST',
    body: form({ message: 'What is an otter?', stream: String(stream) }),
  });
  expect(response.status).toBe(200);
  await response.text();
  const spans = await tracing.spans();
  return spans.filter((s) => !s.name.startsWith('agentmint.store '));
}

// Store spans are left out: whether a call gets one depends on how long it took (tracedStore).
const TREE = [
  'POST /agents/:agentId/runs',
  '  agentmint.factory.resolve',
  '  invoke_agent nested-agent',
  '    chat gpt-test',
  '      HTTP POST',
  '    execute_tool lookup',
  '      dictionary.query',
  '    chat gpt-test',
  '      HTTP POST',
].join('\n');

describe('model and tool calls run inside their spans', () => {
  it('nests the model’s HTTP request under chat and the tool’s span under execute_tool', async () => {
    const spans = await run(false);
    expect(spanTree(spans)).toBe(TREE);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (const http of spans.filter((s) => s.name === 'HTTP POST')) {
      expect(byId.get(http.parentSpanContext?.spanId ?? '')?.name).toBe('chat gpt-test');
    }
  });

  it('does the same for a streamed answer, whose every read happens inside the chat span', async () => {
    expect(spanTree(await run(true))).toBe(TREE);
  });
});
