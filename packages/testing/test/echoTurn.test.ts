import {
  Agent,
  createRequestContext,
  InMemoryDb,
  type RunEventDraft,
  runAgentLoop,
  tool,
} from '@agentmint/core';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ScriptedModel, startFakeOpenAIServer } from '../src/index.ts';
import { sampleFromSchema } from '../src/schemaSample.ts';

const triage = z.object({
  label: z.enum(['bug', 'feature', 'question']),
  summary: z.string().min(3),
  priority: z.number().int().min(1).max(5),
  urgent: z.boolean(),
  tags: z.array(z.string()),
  owner: z.string().nullable(),
  detail: z.object({ steps: z.array(z.string()).min(1) }),
});

const lookup = tool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `definition of ${word}`,
});

async function loop(agent: Agent, message: string) {
  const events: RunEventDraft[] = [];
  const result = await runAgentLoop({
    agent,
    ctx: createRequestContext({ agentId: 'echo', input: undefined }),
    history: [],
    message,
    streamModel: true,
    emit: (event) => events.push(event),
  });
  if (result.kind !== 'completed') throw new Error('the run paused; no tool here needs a human');
  return { result, events };
}

describe('the echo fallback', () => {
  it('answers a structured output request with a value its schema accepts', () => {
    const schema = z.toJSONSchema(triage) as Record<string, unknown>;
    const value = sampleFromSchema(schema, 'echo: crash on save');
    expect(triage.parse(value)).toEqual({
      label: 'bug',
      summary: 'echo: crash on save',
      priority: 1,
      urgent: false,
      tags: [],
      owner: 'echo: crash on save',
      detail: { steps: ['echo: crash on save'] },
    });
  });

  it('answers Responses `text.format` and Chat `response_format` with valid JSON (real SDK)', async () => {
    await using server = await startFakeOpenAIServer();
    const client = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
    const schema = z.toJSONSchema(triage) as Record<string, unknown>;
    const response = await client.responses.create({
      model: 'gpt-test',
      input: 'crash on save',
      text: { format: { type: 'json_schema', name: 'triage', schema, strict: true } },
    });
    expect(triage.parse(JSON.parse(response.output_text)).summary).toBe('echo: crash on save');
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'crash on save' }],
      response_format: { type: 'json_schema', json_schema: { name: 'triage', schema } },
    });
    const content = completion.choices[0]?.message.content ?? '';
    expect(triage.parse(JSON.parse(content)).label).toBe('bug');
  });

  it('gives an output-schema agent a valid answer', async () => {
    const agent = new Agent({
      model: new ScriptedModel(),
      db: new InMemoryDb(),
      outputSchema: triage,
    });
    const { result } = await loop(agent, 'crash on save');
    expect(triage.parse(result.output).summary).toBe('echo: crash on save');
  });

  it('calls an offered tool on `/call <tool> <json>`, then echoes its result', async () => {
    const model = new ScriptedModel();
    const agent = new Agent({ model, db: new InMemoryDb(), tools: [lookup] });
    const { result, events } = await loop(agent, '/call lookup {"word":"mint"}');
    expect(events.filter((e) => e.event === 'ToolCallStarted')).toMatchObject([
      { tool: { toolName: 'lookup', toolArgs: { word: 'mint' } } },
    ]);
    expect(result.content).toBe('echo: definition of mint');
  });

  it('echoes `/call` as text when the tool is not offered', async () => {
    const agent = new Agent({ model: new ScriptedModel(), db: new InMemoryDb() });
    const { result } = await loop(agent, '/call lookup {"word":"mint"}');
    expect(result.content).toBe('echo: /call lookup {"word":"mint"}');
  });
});
