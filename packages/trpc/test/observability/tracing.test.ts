import { Agent, AgentFactory, InMemoryDb, type Logger, tool } from '@agentmint/core';
import { OpenAIResponses } from '@agentmint/openai';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '@agentmint/testing';
import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { form } from '../fixtures.ts';
import { spanTree } from './spanTree.ts';

// One REST run with two tool calls, traced into an in-memory exporter through the real `openai`
// SDK and the fake OpenAI server: the span tree, its GenAI attributes, the caller's traceparent,
// and what must never be in a span or a log line.

const SECRET = 'observability-test-secret-at-least-32-bytes';
const MESSAGE = 'my secret plan is zebra-4242';
const CITY = 'Atlantis-77';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const logLines: string[] = [];
const logger: Logger = {
  info: (message, details) => logLines.push(JSON.stringify({ message, details: String(details) })),
  warn: (message, details) => logLines.push(`${message} ${inspectDetails(details)}`),
  error: (message, details) => logLines.push(`${message} ${inspectDetails(details)}`),
};
let fake: FakeOpenAIServer;
let server: ServerHandle;
let jwt: string;
let db: InMemoryDb;

function inspectDetails(details: Record<string, unknown> | undefined): string {
  // What a JSON logger would write: own enumerable fields and the error's message and stack.
  return JSON.stringify(details, (_key, value: unknown) =>
    value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
  );
}

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  fake = await startFakeOpenAIServer({ apiKey: 'sk-test' });
  db = new InMemoryDb();
  const model = () =>
    new OpenAIResponses({ id: 'gpt-test', baseURL: fake.url, apiKey: 'sk-test', maxRetries: 0 });
  const weather = new AgentFactory({
    id: 'weather-agent',
    db,
    inputSchema: z.object({ units: z.enum(['metric', 'imperial']), city: z.string() }),
    factory: (ctx) =>
      new Agent({
        model: model(),
        instructions: `Answer in ${ctx.input.units} units.`,
        tools: [
          tool({
            name: 'get_weather',
            description: 'Weather in a city',
            parameters: z.object({ city: z.string() }),
            execute: ({ city }) => `Sunny in ${city}`,
          }),
          tool({
            name: 'get_time',
            description: 'Local time in a zone',
            parameters: z.object({ zone: z.string() }),
            execute: () => '12:00',
          }),
        ],
      }),
  });
  const os = new AgentOS({
    agents: [weather],
    auth: { secret: SECRET, algorithms: ['HS256'] },
    logger,
    // Every store call gets a span here, however fast (the default skips calls under 1 ms).
    tracing: { tracerProvider: provider, storeSpanMinMs: 0 },
  });
  server = await os.serve({ port: 0 });
  jwt = await new SignJWT({ sub: 'user-7', scope: 'agents:run sessions:read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
});

afterEach(() => exporter.reset());

afterAll(async () => {
  await server?.close({ graceMs: 100 });
  await fake?.close();
  await provider.shutdown();
  context.disable();
  propagation.disable();
});

async function runOnce(): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/agents/weather-agent/runs`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${jwt}`,
      traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`,
    },
    body: form({
      message: MESSAGE,
      factory_input: JSON.stringify({ units: 'metric', city: CITY }),
      stream: 'false',
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** The finished spans once the HTTP span (the last to end) is among them. */
async function finishedSpans(): Promise<ReadableSpan[]> {
  return vi.waitFor(() => {
    const spans = exporter.getFinishedSpans();
    expect(spans.some((s) => s.kind === SpanKind.SERVER)).toBe(true);
    return spans;
  });
}

function one(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

describe('OpenTelemetry traces', () => {
  it('traces a REST run with two tool calls as one tree under the caller’s traceparent', async () => {
    fake.script(
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: CITY }, id: 'call_weather' },
          { name: 'get_time', arguments: { zone: 'CET' }, id: 'call_time' },
        ],
        usage: { inputTokens: 30, outputTokens: 8 },
      },
      { text: 'Sunny, and it is noon.', usage: { inputTokens: 52, outputTokens: 6 } },
    );
    const run = await runOnce();
    expect(run.status).toBe('COMPLETED');
    const spans = await finishedSpans();

    // Event batches are written behind the run, so how many appends there are varies.
    const appends = spans.filter((s) => s.name === 'agentmint.store appendEvents');
    expect(appends.length).toBeGreaterThan(0);
    expect(parallelToolsSorted(spanTree(spans.filter((s) => !appends.includes(s))))).toBe(
      [
        'POST /agents/:agentId/runs',
        '  agentmint.authenticate',
        '  agentmint.factory.resolve',
        '  invoke_agent weather-agent',
        '    agentmint.store createRun',
        '    chat gpt-test',
        '    execute_tool get_weather',
        '    execute_tool get_time',
        '    chat gpt-test',
        '    agentmint.store finishRun',
      ].join('\n'),
    );

    // Every span is in the caller's trace; the HTTP span is the child of the caller's span.
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([TRACE_ID]));
    const http = one(spans, 'POST /agents/:agentId/runs');
    expect(parentOf(http)).toBe(CALLER_SPAN_ID);
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(http.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/agents/:agentId/runs',
      'http.response.status_code': 200,
      'url.path': '/agents/weather-agent/runs',
    });
    const httpId = http.spanContext().spanId;

    const auth = one(spans, 'agentmint.authenticate');
    expect(parentOf(auth)).toBe(httpId);
    expect(auth.attributes).toEqual({ 'agentmint.auth.source': 'jwt' });

    const resolve = one(spans, 'agentmint.factory.resolve');
    expect(parentOf(resolve)).toBe(httpId);
    expect(resolve.attributes).toEqual({
      'agentmint.agent.id': 'weather-agent',
      'agentmint.factory': true,
      'agentmint.factory.input_shape': '{"city":"string","units":"string"}',
    });

    const invoke = one(spans, 'invoke_agent weather-agent');
    expect(parentOf(invoke)).toBe(httpId);
    expect(invoke.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'weather-agent',
      'gen_ai.conversation.id': run.session_id,
      'gen_ai.request.model': 'gpt-test',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'agentmint.run.id': run.run_id,
      'agentmint.store.id': db.id,
      'user.id': 'user-7',
      'agentmint.run.status': 'COMPLETED',
      'gen_ai.usage.input_tokens': 82,
      'gen_ai.usage.output_tokens': 14,
    });
    expect(invoke.status.code).toBe(SpanStatusCode.UNSET);
    const invokeId = invoke.spanContext().spanId;

    const chats = spans.filter((s) => s.name === 'chat gpt-test');
    expect(chats.map((s) => s.attributes)).toEqual([
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-test',
        'gen_ai.provider.name': 'openai',
        'gen_ai.system': 'openai',
        'gen_ai.usage.input_tokens': 30,
        'gen_ai.usage.output_tokens': 8,
      },
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-test',
        'gen_ai.provider.name': 'openai',
        'gen_ai.system': 'openai',
        'gen_ai.usage.input_tokens': 52,
        'gen_ai.usage.output_tokens': 6,
      },
    ]);
    for (const chat of chats) {
      expect(parentOf(chat)).toBe(invokeId);
      expect(chat.kind).toBe(SpanKind.CLIENT);
    }

    const tools = spans.filter((s) => s.name.startsWith('execute_tool '));
    expect(tools.map((s) => [s.name, s.attributes, parentOf(s)])).toEqual([
      [
        'execute_tool get_weather',
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.id': 'call_weather',
          'gen_ai.tool.type': 'function',
        },
        invokeId,
      ],
      [
        'execute_tool get_time',
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_time',
          'gen_ai.tool.call.id': 'call_time',
          'gen_ai.tool.type': 'function',
        },
        invokeId,
      ],
    ]);
    const stores = spans.filter((s) => s.name.startsWith('agentmint.store '));
    expect(new Set(stores.map((s) => s.attributes['db.operation.name']))).toEqual(
      new Set(['createRun', 'appendEvents', 'finishRun']),
    );
    for (const span of stores) {
      expect(parentOf(span)).toBe(invokeId);
      expect(span.kind).toBe(SpanKind.CLIENT);
    }
  });

  it('traces a tRPC run the same way, under the traceparent the client sent', async () => {
    const response = await fetch(`${server.url}/trpc/agents.weather-agent.run`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${jwt}`,
        traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        json: { message: MESSAGE, factoryInput: { units: 'imperial', city: CITY } },
      }),
    });
    expect(response.status).toBe(200);
    const spans = await finishedSpans();
    const http = one(spans, 'POST /trpc/*');
    expect(parentOf(http)).toBe(CALLER_SPAN_ID);
    expect(http.spanContext().traceId).toBe(TRACE_ID);
    const invoke = one(spans, 'invoke_agent weather-agent');
    expect(parentOf(invoke)).toBe(http.spanContext().spanId);
    expect(parentOf(one(spans, 'agentmint.factory.resolve'))).toBe(http.spanContext().spanId);
    expect(parentOf(one(spans, 'chat gpt-test'))).toBe(invoke.spanContext().spanId);
  });

  it('marks a failed model call, and its run, with the stable error code', async () => {
    fake.script({ fault: 'status', status: 500, message: 'upstream exploded' });
    const run = await runOnce();
    expect(run.status).toBe('ERROR');
    const spans = await finishedSpans();
    const chat = one(spans, 'chat gpt-test');
    expect(chat.status).toEqual({ code: SpanStatusCode.ERROR, message: 'MODEL_ERROR' });
    expect(chat.attributes).toMatchObject({
      'error.type': 'MODEL_ERROR',
      'agentmint.error.code': 'MODEL_ERROR',
    });
    const invoke = one(spans, 'invoke_agent weather-agent');
    expect(invoke.status).toEqual({ code: SpanStatusCode.ERROR, message: 'MODEL_ERROR' });
    expect(invoke.attributes).toMatchObject({
      'agentmint.run.status': 'ERROR',
      'error.type': 'MODEL_ERROR',
    });
    expect(parentOf(chat)).toBe(invoke.spanContext().spanId);
  });

  it('records a rejected token on the authenticate span and the request span, by code', async () => {
    const response = await fetch(`${server.url}/agents/weather-agent/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}x` },
      body: form({ message: MESSAGE, stream: 'false' }),
    });
    expect(response.status).toBe(401);
    const spans = await finishedSpans();
    const auth = one(spans, 'agentmint.authenticate');
    expect(auth.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UNAUTHENTICATED' });
    const http = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(http.attributes['agentmint.error.code']).toBe('UNAUTHENTICATED');
    // A 4xx is the client's failure, not the server's.
    expect(http.status.code).toBe(SpanStatusCode.UNSET);
    expect(spans.some((s) => s.name === 'agentmint.factory.resolve')).toBe(false);
  });

  it('puts no message text, factory input value, JWT or Authorization header in spans or logs', async () => {
    fake.script(
      { toolCalls: [{ name: 'get_weather', arguments: { city: CITY } }] },
      { text: `Echo: ${MESSAGE}` },
    );
    await runOnce();
    fake.script({ fault: 'status', status: 500 });
    await runOnce();
    const spans = await finishedSpans();
    const dumped = JSON.stringify(
      spans.map((s) => ({
        name: s.name,
        attributes: s.attributes,
        status: s.status,
        events: s.events,
        links: s.links,
        resource: s.resource.attributes,
      })),
    );
    const text = `${dumped}\n${logLines.join('\n')}`;
    expect(text).toContain('weather-agent');
    for (const secret of [MESSAGE, 'zebra-4242', CITY, jwt, jwt.split('.')[2]!, 'Bearer', SECRET]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(text.toLowerCase()).not.toContain('authorization');
  });
});

/** The two tool calls run in parallel, so either may start first: compare them as a set. */
function parallelToolsSorted(tree: string): string {
  return tree.replace(
    /(?:^ *execute_tool .*\n)+/gm,
    (block) => `${block.trimEnd().split('\n').sort().reverse().join('\n')}\n`,
  );
}
