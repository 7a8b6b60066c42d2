import {
  Agent,
  createRequestContext,
  type ModelRequest,
  type ModelStreamPart,
  type RunEventDraft,
  runAgentLoop,
  tool,
} from '@agentmint/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ScriptedModel } from '../src/index.ts';

function request(text: string, signal = new AbortController().signal): ModelRequest {
  return { messages: [{ role: 'user', content: text }], tools: [], signal };
}

async function collect(parts: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const out: ModelStreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

describe('ScriptedModel', () => {
  it('echoes the last user message by default', async () => {
    const model = new ScriptedModel();
    const response = await model.generate({
      messages: [
        { role: 'system', content: 'be nice' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'echo: first' },
        { role: 'user', content: 'second' },
      ],
      tools: [],
      signal: new AbortController().signal,
    });
    expect(response.content).toBe('echo: second');
    expect(response.toolCalls).toEqual([]);
    expect(response.usage?.inputTokens).toBeGreaterThan(0);
    expect(model.id).toBe('scripted');
    expect(model.provider).toBe('Scripted');
  });

  it('plays scripted turns in order, then falls back', async () => {
    const model = new ScriptedModel({ turns: [{ text: 'one' }] }).script({ text: 'two' });
    expect(model.pending).toBe(2);
    expect((await model.generate(request('a'))).content).toBe('one');
    expect((await model.generate(request('b'))).content).toBe('two');
    expect((await model.generate(request('c'))).content).toBe('echo: c');
    expect(model.calls).toBe(3);
    expect(model.pending).toBe(0);
  });

  it('streams text split into the requested number of deltas, then usage', async () => {
    const model = new ScriptedModel({
      turns: [{ text: 'Hello, world!', deltas: 4, usage: { inputTokens: 7, outputTokens: 3 } }],
    });
    const parts = await collect(model.stream(request('hi')));
    const deltas = parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : []));
    expect(deltas).toHaveLength(4);
    expect(deltas.join('')).toBe('Hello, world!');
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 7, outputTokens: 3 } });
  });

  it('asks for tool calls with JSON arguments and unique ids', async () => {
    const model = new ScriptedModel({
      turns: [
        {
          toolCalls: [
            { name: 'add', arguments: { a: 1, b: 2 } },
            { name: 'raw', arguments: '{"x":true}', id: 'mine' },
          ],
        },
      ],
    });
    const response = await model.generate(request('go'));
    expect(response.content).toBeNull();
    expect(response.toolCalls).toEqual([
      { id: 'call_1', name: 'add', arguments: '{"a":1,"b":2}' },
      { id: 'mine', name: 'raw', arguments: '{"x":true}' },
    ]);
  });

  it('throws scripted errors from generate and stream', async () => {
    const model = new ScriptedModel({
      turns: [{ error: 'boom' }, { error: new TypeError('bad') }],
    });
    await expect(model.generate(request('a'))).rejects.toThrow('boom');
    await expect(collect(model.stream(request('b')))).rejects.toBeInstanceOf(TypeError);
  });

  it('chooses a turn from the request with a function', async () => {
    const model = new ScriptedModel({
      turns: [(req) => ({ text: `saw ${req.messages.length} messages` })],
    });
    expect((await model.generate(request('x'))).content).toBe('saw 1 messages');
  });

  it('answers "ok" at once in ok mode and records nothing', async () => {
    const model = new ScriptedModel({ fallback: 'ok' });
    for (let i = 0; i < 100; i++) await model.generate(request(`m${i}`));
    expect((await collect(model.stream(request('s'))))[0]).toEqual({
      type: 'text-delta',
      delta: 'ok',
    });
    expect(model.calls).toBe(101);
    expect(model.requests).toEqual([]);
  });

  it('rejects with the abort reason while waiting between deltas', async () => {
    const model = new ScriptedModel({ turns: [{ text: 'slow answer', deltas: 5, delayMs: 50 }] });
    const controller = new AbortController();
    const seen: string[] = [];
    const reason = new Error('stop');
    const run = (async () => {
      for await (const part of model.stream(request('go', controller.signal))) {
        if (part.type === 'text-delta') {
          seen.push(part.delta);
          controller.abort(reason);
        }
      }
    })();
    await expect(run).rejects.toBe(reason);
    expect(seen).toHaveLength(1);
  });

  it('rejects a delayed generate with the abort reason', async () => {
    const model = new ScriptedModel({ turns: [{ text: 'slow', delayMs: 10_000 }] });
    const controller = new AbortController();
    const pending = model.generate(request('go', controller.signal));
    controller.abort('cancelled');
    await expect(pending).rejects.toBe('cancelled');
  });

  it('refuses to start when the signal is already aborted', async () => {
    const model = new ScriptedModel();
    await expect(model.generate(request('x', AbortSignal.abort('gone')))).rejects.toBe('gone');
    expect(model.calls).toBe(0);
  });

  it('records each request as it was, for history and tool-spec assertions', async () => {
    const model = new ScriptedModel({
      turns: [{ toolCalls: [{ name: 'lookup', arguments: { key: 'k' } }] }, { text: 'done' }],
    });
    const lookup = tool({
      name: 'lookup',
      description: 'Looks a key up',
      parameters: z.object({ key: z.string() }),
      execute: ({ key }) => `value of ${key}`,
    });
    const agent = new Agent({ model, instructions: 'Be brief.', tools: [lookup] });
    const events: RunEventDraft[] = [];
    const result = await runAgentLoop({
      agent,
      ctx: createRequestContext(),
      history: [],
      message: 'find k',
      streamModel: true,
      emit: (event) => events.push(event),
    });
    if (result.kind !== 'completed') throw new Error('the run paused; no tool here needs a human');
    expect(result.content).toBe('done');
    expect(model.requests).toHaveLength(2);
    const [first, second] = model.requests;
    expect(first?.method).toBe('stream');
    expect(first?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(first?.tools).toEqual([
      {
        name: 'lookup',
        description: 'Looks a key up',
        parameters: expect.objectContaining({ type: 'object', required: ['key'] }),
      },
    ]);
    expect(second?.messages.at(-1)).toEqual({
      role: 'tool',
      toolCallId: 'call_1',
      toolName: 'lookup',
      content: 'value of k',
    });
    expect(events.map((e) => e.event)).toContain('ToolCallCompleted');
  });
});
