import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { AgentFactory, InMemoryDb, type RequestContext, type Tool, tool } from '../src/index.ts';

describe('tool(): confirmation and external execution types', () => {
  it('types the confirmation check by the parameters and the factory input', () => {
    tool({
      name: 'delete_file',
      description: 'x',
      parameters: z.object({ path: z.string() }),
      requiresConfirmation: (args, ctx) => {
        expectTypeOf(args).toEqualTypeOf<{ path: string }>();
        expectTypeOf(ctx).toEqualTypeOf<RequestContext<unknown>>();
        return args.path !== '/tmp';
      },
      execute: () => 'ok',
    });
    new AgentFactory({
      id: 'typed',
      db: new InMemoryDb(),
      inputSchema: z.object({ tenant: z.string() }),
      factory: (_ctx, helpers) => {
        const guarded = helpers.tool({
          name: 'guarded',
          description: 'x',
          parameters: z.object({}),
          requiresConfirmation: async (_args, ctx) => ctx.input.tenant !== 'trusted',
          execute: () => 'ok',
        });
        expectTypeOf(guarded).toExtend<Tool>();
        return undefined as never;
      },
    });
  });

  it('needs execute unless the tool is executed by the caller', () => {
    const external = tool({
      name: 'local_weather',
      description: 'x',
      parameters: z.object({}),
      externalExecution: true,
    });
    expectTypeOf(external).toExtend<Tool>();
    // @ts-expect-error: an ordinary tool needs execute
    tool({ name: 'broken', description: 'x', parameters: z.object({}) });
    // @ts-expect-error: an external tool has no execute
    tool({
      name: 'both',
      description: 'x',
      parameters: z.object({}),
      externalExecution: true,
      execute: () => 'never runs here',
    });
  });
});
