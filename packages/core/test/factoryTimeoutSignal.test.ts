import { describe, expect, it } from 'vitest';
import {
  Agent,
  AgentFactory,
  AgentRuntime,
  FactoryError,
  InMemoryDb,
  type RequestContext,
  silentLogger,
} from '../src/index.ts';
import { ScriptedModel } from './scriptedModel.ts';

describe('a factory that times out', () => {
  it('fails with FACTORY_ERROR and sees its ctx.signal aborted, so it can stop its own work', async () => {
    let seen: RequestContext | undefined;
    const factory = new AgentFactory({
      id: 'slow',
      db: new InMemoryDb(),
      timeoutMs: 20,
      factory: async (ctx) => {
        seen = ctx;
        await new Promise((resolve) => setTimeout(resolve, 200));
        return new Agent({ model: new ScriptedModel([{ text: 'late' }]) });
      },
    });
    const runtime = new AgentRuntime({ agents: [factory], logger: silentLogger });
    const error = await runtime
      .startRun({ agentId: 'slow', message: 'hi', caller: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FactoryError);
    expect(seen?.signal.aborted).toBe(true);
  });
});
