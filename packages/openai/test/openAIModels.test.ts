import {
  Agent,
  AgentMintError,
  AgentRuntime,
  createRequestContext,
  type ModelRequest,
  type ModelStreamPart,
  type RunEvent,
  runAgentLoop,
  silentLogger,
  tool,
} from '@agentmint/core';
import { startFakeOpenAIServer, type TurnRequest } from '@agentmint/testing';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MODEL_CASES } from './modelCases.ts';

function request(text: string, signal: AbortSignal = new AbortController().signal): ModelRequest {
  return {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: text },
    ],
    tools: [],
    signal,
  };
}

async function collect(parts: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const out: ModelStreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }, { ctx }) => ({ city, sky: 'sunny', askedBy: ctx.userId ?? 'anonymous' }),
});

/** The second turn answers with whatever the tool returned, proving the result went back. */
const answerWithToolResult = (req: TurnRequest) => {
  const result = req.messages.findLast((m) => m.role === 'tool');
  return { text: `Tool said ${result?.content}`, deltas: 3 };
};

describe.each(MODEL_CASES)('$name', ({ api, create }) => {
  it('generates a whole answer with usage, sending the model options', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ text: 'Hello back', usage: { inputTokens: 11, outputTokens: 2 } }],
    });
    const model = create({
      id: 'gpt-test',
      apiKey: 'sk-test-key',
      baseURL: server.url,
      temperature: 0.2,
      maxOutputTokens: 64,
    });
    expect(model.provider).toBe('OpenAI');
    expect(model.id).toBe('gpt-test');
    const response = await model.generate(request('Hello'));
    expect(response).toEqual({
      content: 'Hello back',
      toolCalls: [],
      usage: { inputTokens: 11, outputTokens: 2 },
    });
    const [sent] = server.requests;
    expect(sent).toMatchObject({ api, model: 'gpt-test', stream: false });
    expect(sent?.headers.authorization).toBe('Bearer sk-test-key');
    expect(sent?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
    ]);
    expect(sent?.body.temperature).toBe(0.2);
    expect(sent?.body[api === 'chat' ? 'max_completion_tokens' : 'max_output_tokens']).toBe(64);
    expect(sent?.body).not.toHaveProperty('tools');
  });

  it('streams text deltas as they arrive, then usage', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [
        {
          text: 'one two three four',
          deltas: 4,
          delayMs: 40,
          usage: { inputTokens: 3, outputTokens: 4 },
        },
      ],
    });
    const model = create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url });
    const arrivals: number[] = [];
    const parts: ModelStreamPart[] = [];
    for await (const part of model.stream(request('count'))) {
      parts.push(part);
      if (part.type === 'text-delta') arrivals.push(performance.now());
    }
    const deltas = parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : []));
    expect(deltas).toHaveLength(4);
    expect(deltas.join('')).toBe('one two three four');
    // Paced deltas come apart in time: the model did not buffer the whole answer.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(80);
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 3, outputTokens: 4 } });
    expect(server.requests[0]?.stream).toBe(true);
    if (api === 'chat')
      expect(server.requests[0]?.body.stream_options).toEqual({ include_usage: true });
  });

  it('streams tool calls whole, once their arguments are complete', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [
        {
          text: 'Checking.',
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_p' },
            { name: 'get_weather', arguments: { city: 'Oslo' }, id: 'call_o' },
          ],
        },
      ],
    });
    const model = create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url });
    const parts = await collect(model.stream({ ...request('weather'), tools: [getWeather.spec] }));
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      {
        type: 'tool-call',
        toolCall: { id: 'call_p', name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
      {
        type: 'tool-call',
        toolCall: { id: 'call_o', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
    ]);
    expect(parts[0]).toEqual({ type: 'text-delta', delta: 'Checking.' });
    expect(server.requests[0]?.tools).toEqual([getWeather.spec]);
  });

  it.each([true, false])(
    'runs a tool round trip through runAgentLoop (streamModel: %s)',
    async (streamModel) => {
      await using server = await startFakeOpenAIServer({
        turns: [
          {
            toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
            usage: { inputTokens: 10, outputTokens: 5 },
          },
          (req) => ({ ...answerWithToolResult(req), usage: { inputTokens: 20, outputTokens: 7 } }),
        ],
      });
      const model = create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url });
      const agent = new Agent({ model, instructions: 'Use tools.', tools: [getWeather] });
      const events: string[] = [];
      const result = await runAgentLoop({
        agent,
        ctx: createRequestContext({ userId: 'u-42' }),
        history: [],
        message: 'Weather in Paris?',
        streamModel,
        emit: (event) => events.push(event.event),
      });
      const toolResult = '{"city":"Paris","sky":"sunny","askedBy":"u-42"}';
      if (result.kind !== 'completed')
        throw new Error('the run paused; no tool here needs a human');
      expect(result.content).toBe(`Tool said ${toolResult}`);
      expect(result.usage).toEqual({ inputTokens: 30, outputTokens: 12 });
      expect(events).toContain('ToolCallCompleted');
      expect(server.requests).toHaveLength(2);
      const [first, second] = server.requests;
      expect(first?.tools).toEqual([getWeather.spec]);
      const callId =
        first && second?.messages[2]?.role === 'assistant'
          ? second.messages[2].toolCalls?.[0]?.id
          : undefined;
      expect(callId).toEqual(expect.any(String));
      expect(second?.messages).toEqual([
        { role: 'system', content: 'Use tools.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: callId, name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool', toolCallId: callId, toolName: 'get_weather', content: toolResult },
      ]);
    },
  );

  it('streams a tool round trip end to end through AgentRuntime', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [
        { toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }] },
        answerWithToolResult,
      ],
    });
    const runtime = new AgentRuntime({
      logger: silentLogger,
      agents: [
        new Agent({
          id: 'weather',
          model: create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url }),
          tools: [getWeather],
        }),
      ],
    });
    await runtime.init();
    const run = await runtime.startRun({
      agentId: 'weather',
      message: 'Weather in Rome?',
      caller: { userId: 'alice' },
    });
    const events: RunEvent[] = [];
    for await (const event of run.subscribe()) events.push(event);
    const output = await run.done;
    expect(output.status).toBe('COMPLETED');
    expect(output.content).toBe('Tool said {"city":"Rome","sky":"sunny","askedBy":"alice"}');
    expect(output.modelProvider).toBe('OpenAI');
    expect(output.metrics?.inputTokens).toBeGreaterThan(0);
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'RunContent')).toHaveLength(3);
    expect(names).toEqual(expect.arrayContaining(['ToolCallStarted', 'ToolCallCompleted']));
    expect(names.at(-1)).toBe('RunCompleted');
    await runtime.close();
  });

  it('stops the HTTP request when the signal aborts mid-stream', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ text: 'a long and slow answer', deltas: 10, delayMs: 100 }],
    });
    const model = create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url });
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const seen: string[] = [];
    const consume = async () => {
      for await (const part of model.stream(request('go', controller.signal))) {
        if (part.type === 'text-delta') {
          seen.push(part.delta);
          controller.abort(reason);
        }
      }
    };
    await expect(consume()).rejects.toBe(reason);
    expect(seen).toHaveLength(1);
    await server.requests[0]?.closed;
    expect(server.requests[0]?.aborted).toBe(true);
  });

  it('rejects with the abort reason when aborted before the server answers', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ fault: 'hang' }, { fault: 'hang' }],
    });
    const model = create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url });
    for (const call of [
      (signal: AbortSignal) => model.generate(request('x', signal)),
      (signal: AbortSignal) => collect(model.stream(request('x', signal))),
    ]) {
      const controller = new AbortController();
      const received = server.requests.length;
      const pending = call(controller.signal);
      // Abort once the server holds the request (a fixed delay is too short on a loaded machine).
      await vi.waitFor(() => expect(server.requests.length).toBe(received + 1), {
        timeout: 10_000,
      });
      controller.abort('cancelled');
      await expect(pending).rejects.toBe('cancelled');
    }
    await Promise.all(server.requests.map((r) => r.closed));
    expect(server.requests.map((r) => r.aborted)).toEqual([true, true]);
  });

  it('maps a server 500 to MODEL_ERROR with the status and no secrets', async () => {
    const apiKey = 'sk-very-secret-key-123';
    await using server = await startFakeOpenAIServer({
      turns: [{ error: `upstream broke for ${apiKey}` }, { error: 'again' }],
    });
    const model = create({ id: 'gpt-test', apiKey, baseURL: server.url, maxRetries: 0 });
    for (const call of [
      () => model.generate(request('x')),
      () => collect(model.stream(request('x'))),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AgentMintError);
      const modelError = error as AgentMintError;
      expect(modelError.code).toBe('MODEL_ERROR');
      expect(modelError.httpStatus).toBe(502);
      expect(modelError.publicMessage).toBe('The model provider answered HTTP 500');
      expect(modelError.message).toContain('HTTP 500');
      expect(modelError.message).not.toContain(apiKey);
    }
  });

  it('retries a 500 when maxRetries allows it', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ fault: 'status', status: 500 }, { text: 'recovered' }],
    });
    const model = create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url, maxRetries: 1 });
    expect((await model.generate(request('x'))).content).toBe('recovered');
    expect(server.requests).toHaveLength(2);
  });

  it.each([false, true])(
    'fails with MODEL_ERROR when the stream is cut off (graceful close: %s)',
    async (graceful) => {
      await using server = await startFakeOpenAIServer({
        turns: [
          { fault: 'truncate', graceful },
          { fault: 'truncate', graceful },
        ],
      });
      const model = create({
        id: 'gpt-test',
        apiKey: 'sk-test',
        baseURL: server.url,
        maxRetries: 0,
      });
      await expect(collect(model.stream(request('x')))).rejects.toMatchObject({
        code: 'MODEL_ERROR',
        publicMessage: graceful
          ? 'The model stream ended before the answer was complete'
          : 'The model request failed',
      });
      await expect(model.generate(request('x'))).rejects.toMatchObject({ code: 'MODEL_ERROR' });
    },
  );

  it('times out a hanging server with MODEL_ERROR', async () => {
    await using server = await startFakeOpenAIServer({ turns: [{ fault: 'hang' }] });
    const model = create({
      id: 'gpt-test',
      apiKey: 'sk-test',
      baseURL: server.url,
      maxRetries: 0,
      timeoutMs: 150,
    });
    await expect(model.generate(request('x'))).rejects.toMatchObject({
      code: 'MODEL_ERROR',
      publicMessage: 'The model request timed out',
    });
  });

  it('passes extraBody fields through to the request', async () => {
    await using server = await startFakeOpenAIServer();
    const model = create({
      id: 'gpt-test',
      apiKey: 'sk-test',
      baseURL: server.url,
      extraBody: { user: 'tenant-7', metadata: { app: 'agentmint' } },
    });
    await model.generate(request('x'));
    expect(server.requests[0]?.body).toMatchObject({
      user: 'tenant-7',
      metadata: { app: 'agentmint' },
    });
  });
});
