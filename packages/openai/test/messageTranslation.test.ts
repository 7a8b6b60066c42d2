import type { Message } from '@agentmint/core';
import { startFakeOpenAIServer } from '@agentmint/testing';
import { describe, expect, it } from 'vitest';
import { MODEL_CASES } from './modelCases.ts';

const history: Message[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Compare the weather in Rome and Oslo.' },
  {
    role: 'assistant',
    content: 'Looking both up.',
    toolCalls: [
      { id: 'call_r', name: 'get_weather', arguments: '{"city":"Rome"}' },
      { id: 'call_o', name: 'get_weather', arguments: '{"city":"Oslo"}' },
    ],
  },
  { role: 'tool', toolCallId: 'call_r', toolName: 'get_weather', content: 'sunny' },
  { role: 'tool', toolCallId: 'call_o', toolName: 'get_weather', content: 'snow' },
  { role: 'assistant', content: 'Rome is sunny; Oslo has snow.' },
  { role: 'user', content: 'And tomorrow?' },
];

describe.each(MODEL_CASES)('$name message translation', ({ create }) => {
  it('sends a conversation with tool calls and results that reads back unchanged', async () => {
    await using server = await startFakeOpenAIServer();
    const model = create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url });
    const response = await model.generate({
      messages: history,
      tools: [],
      signal: new AbortController().signal,
    });
    expect(response.content).toBe('echo: And tomorrow?');
    expect(server.requests[0]?.messages).toEqual(history);
  });
});
