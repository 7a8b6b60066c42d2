import { Agent, AgentRuntime, InMemoryDb, silentLogger } from '@agentmint/core';
import { startFakeOpenAIServer } from '@agentmint/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL_CASES } from './modelCases.ts';

const Verdict = z.object({
  label: z.enum(['bug', 'feature', 'question']),
  confidence: z.number().min(0).max(1),
  tags: z.array(z.string()).default([]),
});

async function setup(api: (typeof MODEL_CASES)[number], text: string) {
  const server = await startFakeOpenAIServer({ turns: [{ text, deltas: 3 }] });
  const db = new InMemoryDb();
  const agent = new Agent({
    id: 'triage',
    db,
    model: api.create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url }),
    outputSchema: Verdict,
  });
  const runtime = new AgentRuntime({ agents: [agent], logger: silentLogger });
  return { server, db, runtime };
}

describe.each(MODEL_CASES)('$name structured output', (api) => {
  it.each([true, false])(
    'asks for the JSON Schema and returns the validated object (stream %s)',
    async (streamModel) => {
      const { server, db, runtime } = await setup(api, '{"label":"bug","confidence":0.9}');
      await using _server = server;
      const run = await runtime.startRun({
        agentId: 'triage',
        message: 'It crashes',
        caller: {},
        streamModel,
      });
      const output = await run.outcome(undefined);
      expect(output.status).toBe('COMPLETED');
      // Parsed and validated: the schema's default filled in `tags`.
      expect(output.output).toEqual({ label: 'bug', confidence: 0.9, tags: [] });
      expect(output.content).toBe('{"label":"bug","confidence":0.9}');
      expect((await db.getRun(output.runId))?.output).toEqual(output.output);

      const received = server.requests[0]!;
      expect(received.responseFormat?.name).toBe('triage');
      expect(received.responseFormat?.schema).toMatchObject({
        type: 'object',
        properties: { label: { enum: ['bug', 'feature', 'question'] } },
        required: ['label', 'confidence', 'tags'],
      });
      const format =
        api.api === 'responses'
          ? (received.body.text as { format: unknown }).format
          : (received.body.response_format as { json_schema: unknown }).json_schema;
      expect(format).toMatchObject({ name: 'triage', strict: false });
      await runtime.close();
    },
  );

  it.each([
    ['not JSON', 'Sure! It is a bug.', '(root): The answer is not valid JSON'],
    ['off-schema', '{"label":"rant","confidence":2}', 'label: Invalid option'],
  ])('ends the run ERROR OUTPUT_VALIDATION when the answer is %s', async (_case, text, detail) => {
    const { server, db, runtime } = await setup(api, text);
    await using _server = server;
    const run = await runtime.startRun({ agentId: 'triage', message: 'hm', caller: {} });
    const events = [];
    for await (const event of run.subscribe()) events.push(event);
    const output = await run.outcome(undefined);
    expect(output.status).toBe('ERROR');
    expect(output.output).toBeNull();
    expect(output.error?.code).toBe('OUTPUT_VALIDATION');
    expect(output.error?.message).toContain(detail);
    expect(events.at(-1)).toMatchObject({
      event: 'RunError',
      error: { code: 'OUTPUT_VALIDATION' },
    });
    expect((await db.getRun(output.runId))?.status).toBe('ERROR');
    await runtime.close();
  });
});

describe('an agent without an outputSchema', () => {
  it('asks for no format and reports output null', async () => {
    await using server = await startFakeOpenAIServer();
    const [api] = MODEL_CASES;
    const agent = new Agent({
      id: 'plain',
      db: new InMemoryDb(),
      model: api.create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url }),
    });
    const runtime = new AgentRuntime({ agents: [agent], logger: silentLogger });
    const output = await (
      await runtime.startRun({ agentId: 'plain', message: 'hi', caller: {} })
    ).outcome(undefined);
    expect(output.output).toBeNull();
    expect(server.requests[0]?.body.text).toBeUndefined();
    expect(server.requests[0]?.responseFormat).toBeUndefined();
    await runtime.close();
  });
});
