import {
  Agent,
  AgentFactory,
  type Model,
  type RequestContext,
  type Store,
  tool,
} from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { z } from 'zod';

/** What a factory saw, so tests can prove what reached `ctx` (and that a factory never ran). */
export interface SeenContext {
  readonly agentId: string;
  readonly userId: string | undefined;
  readonly input: unknown;
  readonly scopes: readonly string[];
  readonly claims: Readonly<Record<string, unknown>>;
  readonly source: string;
}

export const strictInput = z.object({
  persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
  depth: z.number().int().min(1).max(10).default(3),
  tags: z.array(z.string().max(40)).max(8).optional(),
});

export interface ProbeOptions {
  readonly db: Store;
  /** Default: a ScriptedModel that echoes. */
  readonly model?: Model;
  /** Factory timeout of `slow-agent`, whose factory takes `slowFactoryMs`. */
  readonly slowFactoryMs?: number;
}

/**
 * Agents that record every factory call: `strict-agent` (zod schema), `raw-agent` (no schema: the
 * raw input reaches ctx), `looping-agent` (a tool the model keeps calling), `slow-agent` (a
 * factory slower than its timeout) and `plain-agent` (no factory).
 */
export function probeAgents(options: ProbeOptions) {
  const { db } = options;
  const model = options.model ?? new ScriptedModel();
  const seen: SeenContext[] = [];
  const record = (ctx: RequestContext): void => {
    seen.push({
      agentId: ctx.agentId,
      userId: ctx.userId,
      input: ctx.input,
      scopes: [...ctx.trusted.scopes],
      claims: ctx.trusted.claims,
      source: ctx.trusted.source,
    });
  };
  const strict = new AgentFactory({
    id: 'strict-agent',
    db,
    inputSchema: strictInput,
    factory: (ctx) => {
      record(ctx);
      return new Agent({ model, instructions: `persona ${ctx.input.persona}` });
    },
  });
  const raw = new AgentFactory({
    id: 'raw-agent',
    db,
    factory: (ctx) => {
      record(ctx);
      return new Agent({ model });
    },
  });
  const ping = tool({
    name: 'ping',
    description: 'Answers pong.',
    parameters: z.object({}),
    execute: () => 'pong',
  });
  const loopingModel = new ScriptedModel({ fallback: { toolCalls: [{ name: 'ping' }] } });
  const looping = new AgentFactory({
    id: 'looping-agent',
    db,
    factory: (ctx) => {
      record(ctx);
      return new Agent({ model: loopingModel, tools: [ping], maxSteps: 3 });
    },
  });
  const slowFactoryMs = options.slowFactoryMs ?? 2_000;
  const slow = new AgentFactory({
    id: 'slow-agent',
    db,
    timeoutMs: 50,
    factory: async (ctx) => {
      record(ctx);
      await new Promise((resolve) => setTimeout(resolve, slowFactoryMs));
      return new Agent({ model });
    },
  });
  const plain = new Agent({ id: 'plain-agent', model, db });
  const calls = () => seen.length;
  return { agents: [strict, raw, looping, slow, plain] as const, seen, calls, model };
}
