import { EventType, type RunAgentInput } from '@ag-ui/core';
import { EventSchema } from '@ag-ui/core/schemas';
import type { RunEvent } from '@agentmint/core';
import { describe, expect, it } from 'vitest';
import { AgUiEventTranslator } from '../../src/agui/aguiEventTranslator.ts';
import { parseRunAgentInput, toStartRequest } from '../../src/agui/runAgentInputToStart.ts';
import { aguiRun, TOOL_CALL, textMessage } from './aguiEventLists.ts';

const base = { agentId: 'a', runId: 'r1', sessionId: 's1', createdAt: 1000 };
let seq = 0;
const ev = (draft: Record<string, unknown>): RunEvent =>
  ({ ...base, seq: ++seq, ...draft }) as RunEvent;

/** A run with streamed text, one tool call, more text, then the end. */
const toolRun: RunEvent[] = [
  ev({ event: 'RunStarted', model: 'm', modelProvider: 'p' }),
  ev({ event: 'ModelRequestStarted', model: 'm' }),
  ev({ event: 'RunContent', content: 'Let me ' }),
  ev({ event: 'RunContent', content: 'check.' }),
  ev({
    event: 'ToolCallStarted',
    tool: { toolCallId: 'c1', toolName: 'weather', toolArgs: { city: 'Oslo' } },
  }),
  ev({
    event: 'ToolCallCompleted',
    tool: { toolCallId: 'c1', toolName: 'weather', toolArgs: { city: 'Oslo' }, result: 'sunny' },
  }),
  ev({ event: 'ModelRequestCompleted', inputTokens: 3, outputTokens: 4 }),
  ev({ event: 'ModelRequestStarted', model: 'm' }),
  ev({ event: 'RunContent', content: 'Sunny.' }),
  ev({ event: 'ModelRequestCompleted', inputTokens: 5, outputTokens: 1 }),
  ev({ event: 'RunContentCompleted' }),
  ev({
    event: 'RunCompleted',
    content: 'Let me check.Sunny.',
    metrics: {
      duration: 1,
      timeToFirstToken: 0.1,
      inputTokens: 8,
      outputTokens: 5,
      totalTokens: 13,
    },
  }),
];

function translateAll(events: readonly RunEvent[]) {
  const translator = new AgUiEventTranslator({ threadId: 't1', runId: 'agui-run' });
  return [...events.flatMap((e) => translator.translate(e)), ...translator.finish()];
}

describe('AgUiEventTranslator', () => {
  it('maps a run with text and a tool call to the AG-UI event sequence', () => {
    const out = translateAll(toolRun);
    expect(out.map((e) => e.type)).toEqual(aguiRun(textMessage(2), TOOL_CALL, textMessage()));
    expect(out[0]).toMatchObject({
      threadId: 't1',
      runId: 'agui-run',
      metadata: { agentmint: { runId: 'r1', sessionId: 's1' } },
    });
    expect(out[5]).toEqual({
      type: EventType.TOOL_CALL_START,
      timestamp: 1000,
      toolCallId: 'c1',
      toolCallName: 'weather',
      parentMessageId: 'r1-m1',
    });
    expect(out[6]).toMatchObject({ delta: '{"city":"Oslo"}' });
    expect(out[8]).toMatchObject({ toolCallId: 'c1', content: 'sunny', role: 'tool' });
    expect(out[9]).toMatchObject({ messageId: 'r1-m2', role: 'assistant' });
    expect(out.at(-1)).toMatchObject({
      type: 'RUN_FINISHED',
      threadId: 't1',
      runId: 'agui-run',
      usage: [{ inputTokens: 8, outputTokens: 5, totalTokens: 13 }],
    });
  });

  it("produces only events AG-UI's own schema accepts", () => {
    for (const event of translateAll(toolRun))
      expect(EventSchema.safeParse(event).success).toBe(true);
  });

  it('ends a failed run with RUN_ERROR (closing the open message) and nothing after it', () => {
    const out = translateAll([
      toolRun[0]!,
      ev({ event: 'RunContent', content: 'partial' }),
      ev({ event: 'RunError', error: { code: 'MODEL_ERROR', message: 'The model failed' } }),
    ]);
    expect(out.map((e) => e.type)).toEqual(['RUN_STARTED', ...textMessage(), 'RUN_ERROR']);
    expect(out.at(-1)).toMatchObject({ message: 'The model failed', code: 'MODEL_ERROR' });
  });

  it('ends a cancelled run with RUN_FINISHED outcome cancelled', () => {
    const out = translateAll([
      toolRun[0]!,
      ev({ event: 'RunCancelled', reason: 'client disconnected' }),
    ]);
    expect(out.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'cancelled' } });
  });

  it('closes a stream that stopped without a terminal event, and tool errors become results', () => {
    const out = translateAll([
      toolRun[0]!,
      ev({
        event: 'ToolCallStarted',
        tool: { toolCallId: 'c2', toolName: 'x', toolArgs: '{"a":1}' },
      }),
      ev({
        event: 'ToolCallError',
        tool: { toolCallId: 'c2', toolName: 'x', toolArgs: '{"a":1}' },
        error: 'boom',
      }),
    ]);
    expect(out.map((e) => e.type)).toEqual(aguiRun(TOOL_CALL));
    expect(out[2]).toMatchObject({ delta: '{"a":1}' });
    expect(out[4]).toMatchObject({ content: 'boom' });
  });
});

const input = (overrides: Partial<RunAgentInput> = {}): RunAgentInput => ({
  threadId: 'thread-1',
  runId: 'run-1',
  messages: [{ id: 'u1', role: 'user', content: 'Hello' }],
  tools: [],
  context: [],
  state: {},
  forwardedProps: {},
  ...overrides,
});

describe('RunAgentInput → start request', () => {
  it('maps threadId to the session, the last user message to the message, factoryInput through', () => {
    expect(
      toStartRequest(
        input({
          messages: [
            { id: 'u0', role: 'user', content: 'earlier' },
            { id: 'a0', role: 'assistant', content: 'reply' },
            { id: 'u1', role: 'user', content: [{ type: 'text', text: 'Trends?' }] },
          ],
          forwardedProps: { factoryInput: { persona: 'skeptic' } },
        }),
      ),
    ).toEqual({ sessionId: 'thread-1', message: 'Trends?', factoryInput: { persona: 'skeptic' } });
  });

  it('leaves factoryInput undefined without forwardedProps, and appends context to the message', () => {
    const request = toStartRequest(
      input({ forwardedProps: undefined, context: [{ description: 'page', value: '/pricing' }] }),
    );
    expect(request).toEqual({
      sessionId: 'thread-1',
      message: 'Hello\n\nContext:\n- page: /pricing',
      factoryInput: undefined,
    });
  });

  it('rejects a conversation that does not end with a user message', () => {
    expect(() =>
      toStartRequest(
        input({ messages: [{ id: 't', role: 'tool', content: 'x', toolCallId: 'c' }] }),
      ),
    ).toThrow(/frontend tool results are not supported/);
    expect(() => toStartRequest(input({ messages: [] }))).toThrow(/must end with a user message/);
  });

  it("parses bodies with AG-UI's schema and names what is wrong", () => {
    expect(parseRunAgentInput({ threadId: 't', runId: 'r', messages: [] })).toMatchObject({
      threadId: 't',
      tools: [],
      context: [],
    });
    expect(() => parseRunAgentInput({ runId: 'r', messages: [] })).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringMatching(/threadId/) }),
    );
  });
});
