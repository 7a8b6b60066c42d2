import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAIServer } from '../src/index.ts';

function clientFor(url: string, options: { timeout?: number; apiKey?: string } = {}): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey ?? 'sk-test',
    baseURL: url,
    maxRetries: 0,
    ...options,
  });
}

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};

describe('fake OpenAI server: Responses API', () => {
  it('answers a non-streamed request with an echo the SDK reads as output_text', async () => {
    await using server = await startFakeOpenAIServer();
    const client = clientFor(server.url);
    const response = await client.responses.create({
      model: 'gpt-test',
      instructions: 'Be brief.',
      input: 'Hello there',
    });
    expect(response.output_text).toBe('echo: Hello there');
    expect(response.status).toBe('completed');
    expect(response.usage?.total_tokens).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({ api: 'responses', model: 'gpt-test', stream: false });
    expect(recorded?.headers.authorization).toBe('Bearer sk-test');
    expect(recorded?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello there' },
    ]);
  });

  it('streams the real event sequence, text deltas and final usage', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [
        { text: 'Streaming works fine', deltas: 3, usage: { inputTokens: 5, outputTokens: 4 } },
      ],
    });
    const client = clientFor(server.url);
    const stream = await client.responses.create({ model: 'gpt-test', input: 'go', stream: true });
    const types: string[] = [];
    const deltas: string[] = [];
    let usage: OpenAI.Responses.ResponseUsage | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      if (event.type === 'response.completed') usage = event.response.usage;
    }
    expect(deltas).toHaveLength(3);
    expect(deltas.join('')).toBe('Streaming works fine');
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(usage).toMatchObject({ input_tokens: 5, output_tokens: 4, total_tokens: 9 });
  });

  it('streams function calls that the SDK stream helper assembles', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [
        {
          text: 'Let me check.',
          toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_w' }],
        },
      ],
    });
    const client = clientFor(server.url);
    const stream = client.responses.stream({
      model: 'gpt-test',
      input: 'Weather in Paris?',
      tools: [{ type: 'function', strict: true, ...weatherTool }],
    });
    const argumentDeltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => argumentDeltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(argumentDeltas.join('')).toBe('{"city":"Paris"}');
    expect(final.output_text).toBe('Let me check.');
    const call = final.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({
      type: 'function_call',
      call_id: 'call_w',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      status: 'completed',
    });
    expect(server.requests[0]?.tools).toEqual([weatherTool]);
  });

  it('translates a tool round trip in the input back to core messages', async () => {
    await using server = await startFakeOpenAIServer({ turns: [{ text: 'Sunny.' }] });
    const client = clientFor(server.url);
    const response = await client.responses.create({
      model: 'gpt-test',
      input: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        { role: 'assistant', content: 'Checking.' },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'c1', output: '{"sky":"sunny"}' },
      ],
    });
    expect(response.output_text).toBe('Sunny.');
    expect(server.requests[0]?.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      },
      { role: 'tool', toolCallId: 'c1', toolName: 'get_weather', content: '{"sky":"sunny"}' },
    ]);
  });
});

describe('fake OpenAI server: Chat Completions API', () => {
  it('answers a non-streamed request with text and usage', async () => {
    await using server = await startFakeOpenAIServer();
    const client = clientFor(server.url);
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'Ping' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: Ping');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(server.requests[0]).toMatchObject({ api: 'chat', stream: false });
  });

  it('answers a non-streamed request with tool calls', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }] }],
    });
    const client = clientFor(server.url);
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [{ type: 'function', function: weatherTool }],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
      },
    ]);
    expect(server.requests[0]?.tools).toEqual([weatherTool]);
  });

  it('streams content deltas, a final usage chunk and [DONE]', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ text: 'abcdef', deltas: 3, usage: { inputTokens: 2, outputTokens: 3 } }],
    });
    const client = clientFor(server.url);
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const contents: string[] = [];
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      const content = chunk.choices[0]?.delta.content;
      if (content) contents.push(content);
    }
    expect(contents).toEqual(['ab', 'cd', 'ef']);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 2,
      completion_tokens: 3,
      total_tokens: 5,
    });
  });

  it('omits the usage chunk unless include_usage is asked for', async () => {
    await using server = await startFakeOpenAIServer();
    const client = clientFor(server.url);
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('streams tool-call fragments that the SDK stream helper assembles', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [
        {
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Rome' }, id: 'call_a' },
            { name: 'get_weather', arguments: { city: 'Oslo' }, id: 'call_b' },
          ],
        },
      ],
    });
    const client = clientFor(server.url);
    const stream = client.chat.completions.stream({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [{ type: 'function', function: weatherTool }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls).toMatchObject([
      {
        id: 'call_a',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
      },
      {
        id: 'call_b',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
    ]);
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('translates assistant tool calls and tool results back to core messages', async () => {
    await using server = await startFakeOpenAIServer();
    const client = clientFor(server.url);
    await client.chat.completions.create({
      model: 'gpt-test',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'rain' },
      ],
    });
    expect(server.requests[0]?.messages).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{}' }],
      },
      { role: 'tool', toolCallId: 'c1', toolName: 'get_weather', content: 'rain' },
    ]);
  });
});

describe('fake OpenAI server: faults and protocol errors', () => {
  it('answers scripted errors with HTTP 500 that the SDK raises', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ error: 'model exploded' }, { fault: 'status', status: 429, message: 'slow down' }],
    });
    const client = clientFor(server.url);
    const failed = client.responses.create({ model: 'm', input: 'x' });
    await expect(failed).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(failed).rejects.toMatchObject({ status: 500, message: '500 model exploded' });
    await expect(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 429 });
  });

  it('rejects requests without a bearer token, or with the wrong one', async () => {
    await using server = await startFakeOpenAIServer({ apiKey: 'sk-right' });
    const response = await fetch(`${server.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'x' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    await expect(
      clientFor(server.url, { apiKey: 'sk-wrong' }).responses.create({ model: 'm', input: 'x' }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const ok = await clientFor(server.url, { apiKey: 'sk-right' }).responses.create({
      model: 'm',
      input: 'x',
    });
    expect(ok.output_text).toBe('echo: x');
    expect(server.requests).toHaveLength(1);
  });

  it('answers 404 for unknown routes and 400 for bodies it cannot read', async () => {
    await using server = await startFakeOpenAIServer();
    const headers = { authorization: 'Bearer k', 'content-type': 'application/json' };
    const missing = await fetch(`${server.url}/embeddings`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(missing.status).toBe(404);
    const badJson = await fetch(`${server.url}/responses`, { method: 'POST', headers, body: '{' });
    expect(badJson.status).toBe(400);
    const noModel = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ messages: [] }),
    });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toMatchObject({ error: { message: "'model' must be a string" } });
  });

  it('hangs until the client times out', async () => {
    await using server = await startFakeOpenAIServer({ turns: [{ fault: 'hang' }] });
    const client = clientFor(server.url, { timeout: 200 });
    await expect(client.responses.create({ model: 'm', input: 'x' })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError,
    );
    await server.requests[0]?.closed;
    expect(server.requests[0]?.aborted).toBe(true);
  });

  it('drops the connection in the middle of a stream', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ fault: 'truncate', text: 'never finished' }, { fault: 'truncate' }],
    });
    const client = clientFor(server.url);
    const types: string[] = [];
    const consume = async () => {
      const stream = await client.responses.create({ model: 'm', input: 'x', stream: true });
      for await (const event of stream) types.push(event.type);
    };
    await expect(consume()).rejects.toThrow();
    expect(types).toContain('response.output_text.delta');
    expect(types).not.toContain('response.completed');
    await expect(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toThrow();
  });

  it('can end a truncated stream cleanly, without the terminal event', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [
        { fault: 'truncate', graceful: true },
        { fault: 'truncate', graceful: true },
      ],
    });
    const client = clientFor(server.url);
    const types: string[] = [];
    const stream = await client.responses.create({ model: 'm', input: 'x', stream: true });
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.output_text.delta');
    const finishes: (string | null | undefined)[] = [];
    const chunks = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const chunk of chunks) finishes.push(chunk.choices[0]?.finish_reason);
    expect(finishes).not.toContain('stop');
  });

  it('notices when the client aborts a slow stream', async () => {
    await using server = await startFakeOpenAIServer({
      turns: [{ text: 'one two three four five', deltas: 5, delayMs: 100 }],
    });
    const client = clientFor(server.url);
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true },
      { signal: controller.signal },
    );
    const contents: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) {
        contents.push(content);
        controller.abort();
      }
    }
    expect(contents).toHaveLength(1);
    await server.requests[0]?.closed;
    expect(server.requests[0]?.aborted).toBe(true);
  });

  it('can be scripted after it starts and closed twice', async () => {
    const server = await startFakeOpenAIServer({ fallback: 'ok' });
    server.script({ text: 'scripted' });
    expect(server.pending).toBe(1);
    const client = clientFor(server.url);
    expect((await client.responses.create({ model: 'm', input: 'a' })).output_text).toBe(
      'scripted',
    );
    expect((await client.responses.create({ model: 'm', input: 'b' })).output_text).toBe('ok');
    await server.close();
    await server.close();
    await expect(client.responses.create({ model: 'm', input: 'c' })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
  });
});
