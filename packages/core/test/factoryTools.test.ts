import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent, AgentFactory, AgentRuntime, InMemoryDb, silentLogger } from '../src/index.ts';
import { ScriptedModel } from './scriptedModel.ts';

describe("a tool built with the factory's `tool` helper", () => {
  it('sees the validated factory input of the run as ctx.input', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'c1', name: 'persona', arguments: '{"suffix":"!"}' }] },
      { text: 'done' },
    ]);
    const factory = new AgentFactory({
      id: 'research-agent',
      db: new InMemoryDb(),
      inputSchema: z.object({ persona: z.enum(['analyst', 'skeptic']).default('analyst') }),
      factory: (_ctx, { tool }) =>
        new Agent({
          model,
          tools: [
            tool({
              name: 'persona',
              description: 'The persona of this run',
              parameters: z.object({ suffix: z.string() }),
              execute: (args, { ctx }) => `${ctx.input.persona}${args.suffix}`,
            }),
          ],
        }),
    });
    const runtime = new AgentRuntime({ agents: [factory], logger: silentLogger });
    const run = await runtime.startRun({
      agentId: 'research-agent',
      message: 'who?',
      caller: {},
      factoryInput: { persona: 'skeptic' },
    });
    const output = await run.outcome(undefined);
    expect(output.status).toBe('COMPLETED');
    expect(output.messages).toContainEqual({
      role: 'tool',
      toolCallId: 'c1',
      toolName: 'persona',
      content: 'skeptic!',
    });
    await runtime.close();
  });
});
