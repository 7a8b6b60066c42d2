import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  Agent,
  AgentFactory,
  type AnyAgentFactory,
  type FactoryInputOf,
  InMemoryDb,
  type Model,
  type RequestContext,
  tool,
} from '../src/index.ts';

declare const model: Model;
/** Every public member of Agent, but not an Agent: `resolveAgent` would reject it at run time. */
declare const lookAlike: { [K in keyof Agent]: Agent[K] };
const db = new InMemoryDb();
const research = z.object({
  persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
  depth: z.number().int().default(3),
});

describe('ctx.input in a factory', () => {
  it('is exactly the schema output, defaults applied', () => {
    new AgentFactory({
      id: 'research-agent',
      db,
      inputSchema: research,
      factory: async (ctx) => {
        expectTypeOf(ctx.input).toEqualTypeOf<{
          persona: 'analyst' | 'advisor' | 'skeptic';
          depth: number;
        }>();
        expectTypeOf(ctx.input.persona).toEqualTypeOf<'analyst' | 'advisor' | 'skeptic'>();
        expectTypeOf(ctx.input.depth).toEqualTypeOf<number>();
        // @ts-expect-error the input is read-only
        ctx.input = { persona: 'skeptic', depth: 1 };
        // @ts-expect-error no such field
        ctx.input.tenant;
        return new Agent({ model });
      },
    });
  });

  it('follows transforms: the output type, not the input type', () => {
    new AgentFactory({
      id: 'transformed',
      db,
      inputSchema: z.object({ depth: z.string().default('3').transform(Number) }),
      factory: (ctx) => {
        expectTypeOf(ctx.input).toEqualTypeOf<{ depth: number }>();
        return new Agent({ model });
      },
    });
  });

  it('is unknown without a schema', () => {
    new AgentFactory({
      id: 'tenant-agent',
      db,
      factory: (ctx) => {
        expectTypeOf(ctx.input).toBeUnknown();
        expectTypeOf(ctx).toEqualTypeOf<RequestContext<unknown>>();
        return new Agent({ model });
      },
    });
  });

  it('gives the rest of the context its contract types', () => {
    new AgentFactory({
      id: 'ctx',
      db,
      factory: (ctx) => {
        expectTypeOf(ctx.userId).toEqualTypeOf<string | undefined>();
        expectTypeOf(ctx.sessionId).toEqualTypeOf<string>();
        expectTypeOf(ctx.runId).toEqualTypeOf<string>();
        expectTypeOf(ctx.trusted.scopes).toEqualTypeOf<ReadonlySet<string>>();
        expectTypeOf(ctx.trusted.claims).toEqualTypeOf<Readonly<Record<string, unknown>>>();
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        // @ts-expect-error a ReadonlySet has no add
        ctx.trusted.scopes.add('agent_os:admin');
        // @ts-expect-error the context is read-only
        ctx.userId = 'admin';
        return new Agent({ model });
      },
    });
  });

  it('types the cache key callback from the schema too', () => {
    new AgentFactory({
      id: 'cached',
      db,
      inputSchema: research,
      cache: {
        key: (ctx) => {
          expectTypeOf(ctx.input.persona).toEqualTypeOf<'analyst' | 'advisor' | 'skeptic'>();
          return ctx.input.persona;
        },
        ttlMs: 1_000,
        max: 10,
      },
      factory: () => new Agent({ model }),
    });
  });
});

describe('AgentFactory type parameters', () => {
  it('keeps the id literal', () => {
    const f = new AgentFactory({ id: 'research-agent', db, factory: () => new Agent({ model }) });
    expectTypeOf(f).toEqualTypeOf<AgentFactory<'research-agent', undefined>>();
    expectTypeOf(f.id).toEqualTypeOf<'research-agent'>();
  });

  it('keeps the schema type', () => {
    const f = new AgentFactory({
      id: 'research-agent',
      db,
      inputSchema: research,
      factory: () => new Agent({ model }),
    });
    expectTypeOf(f).toEqualTypeOf<AgentFactory<'research-agent', typeof research>>();
    expectTypeOf(f.inputSchema).toEqualTypeOf<typeof research>();
    expectTypeOf<FactoryInputOf<typeof research>>().toEqualTypeOf<{
      persona: 'analyst' | 'advisor' | 'skeptic';
      depth: number;
    }>();
    expectTypeOf<z.input<typeof f.inputSchema>>().toEqualTypeOf<{
      persona?: 'analyst' | 'advisor' | 'skeptic' | undefined;
      depth?: number | undefined;
    }>();
  });

  it('is assignable to AnyAgentFactory, whatever the id and schema', () => {
    const withSchema = new AgentFactory({
      id: 'x',
      db,
      inputSchema: research,
      cache: { key: (ctx) => ctx.input.persona, ttlMs: 1, max: 1 },
      factory: () => new Agent({ model }),
    });
    const without = new AgentFactory({ id: 'y', db, factory: () => new Agent({ model }) });
    expectTypeOf(withSchema).toExtend<AnyAgentFactory>();
    expectTypeOf(without).toExtend<AnyAgentFactory>();
    const registry: AnyAgentFactory[] = [withSchema, without];
    expectTypeOf(registry).toEqualTypeOf<AnyAgentFactory[]>();
  });
});

describe('what must not compile', () => {
  it('rejects a factory that does not return an Agent', () => {
    new AgentFactory({
      id: 'wrong',
      db,
      // @ts-expect-error a string is not an Agent
      factory: () => 'agent',
    });
    new AgentFactory({
      id: 'wrong',
      db,
      // @ts-expect-error an object with every member of Agent is still not an Agent
      factory: () => lookAlike,
    });
    new AgentFactory({
      id: 'wrong',
      db,
      // @ts-expect-error a promise of something else is not an Agent
      factory: async () => ({ model }),
    });
    new AgentFactory({
      id: 'wrong',
      db,
      // @ts-expect-error the factory must return something
      factory: () => {},
    });
  });

  it('rejects options without db or factory', () => {
    // @ts-expect-error db is required
    new AgentFactory({ id: 'no-db', factory: () => new Agent({ model }) });
    // @ts-expect-error factory is required
    new AgentFactory({ id: 'no-factory', db });
  });

  it('rejects using a field the schema does not have', () => {
    new AgentFactory({
      id: 'research-agent',
      db,
      inputSchema: research,
      factory: (ctx) => {
        // @ts-expect-error 'pirate' is not a persona
        if (ctx.input.persona === 'pirate') throw new Error();
        return new Agent({ model });
      },
    });
  });
});

describe('tool', () => {
  it('types args from the schema and gives execute the run context', () => {
    const lookup = tool({
      name: 'lookup',
      description: 'Looks a thing up',
      parameters: z.object({ q: z.string(), limit: z.number().default(5) }),
      execute: (args, { ctx, signal }) => {
        expectTypeOf(args).toEqualTypeOf<{ q: string; limit: number }>();
        expectTypeOf(ctx).toEqualTypeOf<RequestContext>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        return args.q;
      },
    });
    new Agent({ model, tools: [lookup] });
  });
});

describe('ctx.input in a tool built inside a factory', () => {
  it("is the factory schema's output, through the factory's `tool` helper", () => {
    new AgentFactory({
      id: 'research-agent',
      db,
      inputSchema: research,
      factory: (_ctx, { tool: factoryTool }) => {
        const depthTool = factoryTool({
          name: 'depth',
          description: 'The research depth',
          parameters: z.object({ extra: z.number() }),
          execute: (args, { ctx: toolCtx }) => {
            expectTypeOf(args).toEqualTypeOf<{ extra: number }>();
            expectTypeOf(toolCtx.input).toEqualTypeOf<{
              persona: 'analyst' | 'advisor' | 'skeptic';
              depth: number;
            }>();
            // @ts-expect-error no such field in the factory's schema
            void toolCtx.input.tenant;
            return toolCtx.input.depth + args.extra;
          },
        });
        expectTypeOf(depthTool.execute)
          .parameter(1)
          .toHaveProperty('ctx')
          .toEqualTypeOf<
            RequestContext<{ persona: 'analyst' | 'advisor' | 'skeptic'; depth: number }>
          >();
        return new Agent({ model, tools: [depthTool] });
      },
    });
  });

  it('is unknown for a plain tool, and can be named explicitly', () => {
    tool({
      name: 'plain',
      description: 'x',
      parameters: z.object({}),
      execute: (_args, { ctx }) => expectTypeOf(ctx.input).toBeUnknown(),
    });
    type Research = z.output<typeof research>;
    const noArgs = z.object({});
    const typed = tool<typeof noArgs, Research>({
      name: 'typed',
      description: 'x',
      parameters: noArgs,
      execute: (_args, { ctx }) => ctx.input.persona,
    });
    // A typed tool still fits any agent's tools.
    new Agent({ model, tools: [typed] });
  });
});
