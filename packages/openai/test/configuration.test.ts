import type { ModelRequest } from '@agentmint/core';
import { startFakeOpenAIServer } from '@agentmint/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenAIChat, OpenAIResponses } from '../src/index.ts';
import { sharedClient } from '../src/sharedClient.ts';
import { MODEL_CASES } from './modelCases.ts';

const request: ModelRequest = {
  messages: [{ role: 'user', content: 'hi' }],
  tools: [],
  signal: new AbortController().signal,
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(MODEL_CASES)('$name configuration', ({ create }) => {
  it('reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment', async () => {
    await using server = await startFakeOpenAIServer();
    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env');
    vi.stubEnv('OPENAI_BASE_URL', server.url);
    const model = create({ id: 'gpt-env' });
    expect((await model.generate(request)).content).toBe('echo: hi');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-from-env');
    expect(server.requests[0]?.model).toBe('gpt-env');
  });

  it('prefers options over the environment', async () => {
    await using server = await startFakeOpenAIServer();
    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env');
    vi.stubEnv('OPENAI_BASE_URL', 'http://127.0.0.1:9/v1');
    const model = create({ id: 'gpt-test', apiKey: 'sk-option', baseURL: server.url });
    await model.generate(request);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-option');
  });

  it('uses a placeholder key for a local server when no key is set', async () => {
    await using server = await startFakeOpenAIServer();
    vi.stubEnv('OPENAI_API_KEY', undefined);
    vi.stubEnv('OPENAI_BASE_URL', undefined);
    const model = create({ id: 'llama3.2', baseURL: server.url });
    expect((await model.generate(request)).content).toBe('echo: hi');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer agentmint-no-key');
  });

  it('builds without a key and reports MODEL_ERROR on the first request', async () => {
    vi.stubEnv('OPENAI_API_KEY', undefined);
    vi.stubEnv('OPENAI_BASE_URL', undefined);
    const model = create({ id: 'gpt-test' });
    await expect(model.generate(request)).rejects.toMatchObject({
      code: 'MODEL_ERROR',
      publicMessage: 'The model is not configured: its API key is missing',
    });
    const stream = model.stream(request)[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toMatchObject({ code: 'MODEL_ERROR' });
  });

  it('uses a client passed in the options', async () => {
    await using server = await startFakeOpenAIServer();
    const client = new OpenAI({ apiKey: 'sk-custom', baseURL: server.url, maxRetries: 0 });
    const model = create({ id: 'gpt-test', client });
    await model.generate(request);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-custom');
  });
});

describe('sharedClient', () => {
  it('returns one client per (key, base URL, retries, timeout)', () => {
    const settings = {
      apiKey: 'sk-a',
      baseURL: 'http://127.0.0.1:1/v1',
      maxRetries: undefined,
      timeoutMs: undefined,
    };
    const first = sharedClient(settings);
    expect(sharedClient({ ...settings })).toBe(first);
    expect(sharedClient({ ...settings, apiKey: 'sk-b' })).not.toBe(first);
    expect(sharedClient({ ...settings, maxRetries: 0 })).not.toBe(first);
    expect(first.baseURL).toBe('http://127.0.0.1:1/v1');
  });

  it('is shared by every model with the same settings, so building a model stays cheap', async () => {
    await using server = await startFakeOpenAIServer();
    const options = { id: 'gpt-test', apiKey: 'sk-shared', baseURL: server.url };
    const responses = new OpenAIResponses(options);
    const chat = new OpenAIChat({ ...options, id: 'other' });
    expect(responses.client).toBe(chat.client);
    expect(new OpenAIResponses(options).client).toBe(responses.client);
    expect(new OpenAIChat({ ...options, apiKey: 'sk-other' }).client).not.toBe(chat.client);
    await responses.generate(request);
    await chat.generate(request);
    expect(server.requests).toHaveLength(2);
  });
});
