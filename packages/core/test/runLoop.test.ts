import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Agent,
  AgentMintError,
  createRequestContext,
  createTrustedContext,
  type RequestContext,
  type RunEventDraft,
  runAgentLoop,
  type Tool,
  tool,
} from '../src/index.ts';
import { deferred, ScriptedModel, type ScriptedTurn } from './scriptedModel.ts';

function setup(turns: ScriptedTurn[], options: { tools?: Tool[]; maxSteps?: number } = {}) {
  const model = new ScriptedModel(turns);
  const agent = new Agent({
    id: 'loop',
    model,
    instructions: 'Be brief.',
    ...(options.tools && { tools: options.tools }),
    ...(options.maxSteps !== undefined && { maxSteps: options.maxSteps }),
  });
  const events: RunEventDraft[] = [];
  return { model, agent, events, emit: (event: RunEventDraft) => events.push(event) };
}

const call = (id: string, name: string, args: unknown) => ({
  id,
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});

describe('runAgentLoop: a text answer', () => {
  it('streams deltas as RunContent and returns the whole text', async () => {
    const { agent, events, emit, model } = setup([
      { text: ['Hel', '', 'lo'], usage: { inputTokens: 10, outputTokens: 2 } },
    ]);
    const result = await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'Hi',
      streamModel: true,
      emit,
    });
    expect(result.kind === 'completed' && result.content).toBe('Hello');
    expect(result.usage).toEqual({ inputTokens: 10, outputTokens: 2 });
    expect(result.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(result.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
    ]);
    expect(events).toEqual([
      { event: 'ModelRequestStarted', model: 'scripted-1' },
      { event: 'RunContent', content: 'Hel' },
      { event: 'RunContent', content: 'lo' },
      { event: 'ModelRequestCompleted', inputTokens: 10, outputTokens: 2 },
      { event: 'RunContentCompleted' },
    ]);
    expect(model.requests[0]?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('asks for the whole answer when not streaming', async () => {
    const { agent, events, emit } = setup([{ text: 'Whole answer' }]);
    const result = await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [{ role: 'user', content: 'earlier' }],
      message: 'Hi',
      streamModel: false,
      emit,
    });
    expect(result.kind === 'completed' && result.content).toBe('Whole answer');
    expect(events.map((e) => e.event)).toEqual([
      'ModelRequestStarted',
      'RunContent',
      'ModelRequestCompleted',
      'RunContentCompleted',
    ]);
  });

  it('sends history between the system prompt and the new message', async () => {
    const { agent, emit, model } = setup([{ text: 'ok' }]);
    await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'answer' },
      ],
      message: 'second',
      streamModel: true,
      emit,
    });
    expect(model.requests[0]?.messages.map((m) => m.content)).toEqual([
      'Be brief.',
      'first',
      'answer',
      'second',
    ]);
  });
});

describe('runAgentLoop: tools', () => {
  it('runs the calls of one turn in parallel and feeds the results back', async () => {
    const log: string[] = [];
    const aGate = deferred();
    const bGate = deferred();
    const slow = (name: string, gate: Promise<void>) =>
      tool({
        name,
        description: name,
        parameters: z.object({ n: z.number() }),
        execute: async ({ n }) => {
          log.push(`${name} started`);
          // Each tool waits until both have started: only parallel execution can finish.
          if (log.filter((l) => l.endsWith('started')).length === 2) {
            aGate.resolve();
            bGate.resolve();
          }
          await gate;
          log.push(`${name} completed`);
          return { doubled: n * 2 };
        },
      });
    const { agent, events, emit, model } = setup(
      [{ toolCalls: [call('c1', 'a', { n: 1 }), call('c2', 'b', { n: 2 })] }, { text: 'done' }],
      { tools: [slow('a', aGate.promise), slow('b', bGate.promise)] },
    );
    const result = await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'go',
      streamModel: true,
      emit,
    });
    expect(log.slice(0, 2).sort()).toEqual(['a started', 'b started']);
    expect(result.kind === 'completed' && result.content).toBe('done');
    expect(events.map((e) => e.event)).toEqual([
      'ModelRequestStarted',
      'ModelRequestCompleted',
      'ToolCallStarted',
      'ToolCallStarted',
      'ToolCallCompleted',
      'ToolCallCompleted',
      'ModelRequestStarted',
      'RunContent',
      'ModelRequestCompleted',
      'RunContentCompleted',
    ]);
    expect(events[4]).toEqual({
      event: 'ToolCallCompleted',
      tool: { toolCallId: 'c1', toolName: 'a', toolArgs: { n: 1 }, result: '{"doubled":2}' },
    });
    const second = model.requests[1]?.messages ?? [];
    expect(second.slice(-3)).toEqual([
      {
        role: 'assistant',
        content: null,
        toolCalls: [call('c1', 'a', { n: 1 }), call('c2', 'b', { n: 2 })],
      },
      { role: 'tool', toolCallId: 'c1', toolName: 'a', content: '{"doubled":2}' },
      { role: 'tool', toolCallId: 'c2', toolName: 'b', content: '{"doubled":4}' },
    ]);
  });

  it('gives the model a snapshot of the conversation, not a live array', async () => {
    const echo = tool({
      name: 'echo',
      description: 'echo',
      parameters: z.object({}),
      execute: () => 'ok',
    });
    const { agent, emit, model } = setup(
      [{ toolCalls: [call('c1', 'echo', {})] }, { text: 'done' }],
      { tools: [echo] },
    );
    await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'go',
      streamModel: true,
      emit,
    });
    expect(model.requests[0]?.messages).toHaveLength(2);
    expect(model.requests[1]?.messages).toHaveLength(4);
  });

  it('turns a tool error into ToolCallError and keeps going', async () => {
    const failing = tool({
      name: 'failing',
      description: 'always fails',
      parameters: z.object({}),
      execute: () => {
        throw new Error('disk full');
      },
    });
    const { agent, events, emit, model } = setup(
      [{ toolCalls: [call('c1', 'failing', {})] }, { text: 'recovered' }],
      { tools: [failing] },
    );
    const result = await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'go',
      streamModel: true,
      emit,
    });
    expect(result.kind === 'completed' && result.content).toBe('recovered');
    expect(events).toContainEqual({
      event: 'ToolCallError',
      tool: { toolCallId: 'c1', toolName: 'failing', toolArgs: {} },
      error: 'disk full',
    });
    expect(model.requests[1]?.messages.at(-1)).toEqual({
      role: 'tool',
      toolCallId: 'c1',
      toolName: 'failing',
      content: 'disk full',
      isError: true,
    });
  });

  it('turns a non-Error throw into ToolCallError', async () => {
    const failing = tool({
      name: 'failing',
      description: 'throws a string',
      parameters: z.object({}),
      execute: async () => {
        throw 'nope';
      },
    });
    const { agent, events, emit } = setup(
      [{ toolCalls: [call('c1', 'failing', {})] }, { text: 'ok' }],
      { tools: [failing] },
    );
    await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'go',
      streamModel: true,
      emit,
    });
    expect(events.find((e) => e.event === 'ToolCallError')).toMatchObject({ error: 'nope' });
  });

  it.each([
    ['arguments that fail the schema', { q: 5 }, /Invalid arguments for 'lookup': q: /],
    ['arguments that are not JSON', '{"q": ', /Invalid arguments for 'lookup': \(root\): /],
  ])('rejects %s with ToolCallError, never calling execute', async (_, args, message) => {
    let executed = false;
    const lookup = tool({
      name: 'lookup',
      description: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: () => {
        executed = true;
        return 'x';
      },
    });
    const { agent, events, emit } = setup(
      [{ toolCalls: [call('c1', 'lookup', args)] }, { text: 'ok' }],
      { tools: [lookup] },
    );
    await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'go',
      streamModel: true,
      emit,
    });
    expect(executed).toBe(false);
    const error = events.find((e) => e.event === 'ToolCallError');
    expect(error && 'error' in error ? error.error : '').toMatch(message);
  });

  it('reports an unknown tool as ToolCallError', async () => {
    const { agent, events, emit } = setup([
      { toolCalls: [call('c1', 'nonexistent', {})] },
      { text: 'ok' },
    ]);
    const result = await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'go',
      streamModel: false,
      emit,
    });
    expect(result.kind === 'completed' && result.content).toBe('ok');
    expect(events).toContainEqual({
      event: 'ToolCallError',
      tool: { toolCallId: 'c1', toolName: 'nonexistent', toolArgs: {} },
      error: "Unknown tool 'nonexistent'",
    });
  });

  it('stops at maxSteps with MAX_STEPS', async () => {
    const again = tool({
      name: 'again',
      description: 'again',
      parameters: z.object({}),
      execute: () => 'again',
    });
    const { agent, emit, model } = setup(
      [
        { toolCalls: [call('c1', 'again', {})] },
        { toolCalls: [call('c2', 'again', {})] },
        { toolCalls: [call('c3', 'again', {})] },
      ],
      { tools: [again], maxSteps: 2 },
    );
    const error = await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'go',
      streamModel: true,
      emit,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentMintError);
    expect((error as AgentMintError).code).toBe('MAX_STEPS');
    expect(model.requests).toHaveLength(2);
  });

  it("gives execute the run's context: verified user and claims", async () => {
    let seen: RequestContext | undefined;
    let seenSignal: AbortSignal | undefined;
    const whoami = tool({
      name: 'whoami',
      description: 'whoami',
      parameters: z.object({}),
      execute: (_, { ctx, signal }) => {
        seen = ctx;
        seenSignal = signal;
        return ctx.userId;
      },
    });
    const controller = new AbortController();
    const ctx = createRequestContext({
      userId: 'u-42',
      trusted: createTrustedContext({
        claims: { sub: 'u-42', tenant: 't-9' },
        scopes: ['agents:run'],
        source: 'jwt',
      }),
      signal: controller.signal,
    });
    const { agent, events, emit } = setup(
      [{ toolCalls: [call('c1', 'whoami', {})] }, { text: 'ok' }],
      { tools: [whoami] },
    );
    await runAgentLoop({ agent, ctx, history: [], message: 'go', streamModel: true, emit });
    expect(seen).toBe(ctx);
    expect(seen?.userId).toBe('u-42');
    expect(seen?.trusted.claims).toEqual({ sub: 'u-42', tenant: 't-9' });
    expect(seenSignal).toBe(controller.signal);
    expect(events).toContainEqual(
      expect.objectContaining({
        event: 'ToolCallCompleted',
        tool: expect.objectContaining({ result: 'u-42' }),
      }),
    );
  });
});

describe('runAgentLoop: cancellation', () => {
  it('stops promptly even when the model ignores the abort signal', async () => {
    const controller = new AbortController();
    const never = new Promise<void>(() => {});
    const { agent, emit } = setup([{ text: ['partial'], release: never, ignoreAbort: true }]);
    const pending = runAgentLoop({
      agent,
      ctx: createRequestContext({ signal: controller.signal }),
      history: [],
      message: 'go',
      streamModel: true,
      emit,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });

  it('stops promptly even when a tool ignores the abort signal', async () => {
    const controller = new AbortController();
    const stuck = tool({
      name: 'stuck',
      description: 'never returns',
      parameters: z.object({}),
      execute: () => new Promise(() => {}),
    });
    const { agent, emit } = setup([{ toolCalls: [call('c1', 'stuck', {})] }], { tools: [stuck] });
    const pending = runAgentLoop({
      agent,
      ctx: createRequestContext({ signal: controller.signal }),
      history: [],
      message: 'go',
      streamModel: true,
      emit,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });
});
