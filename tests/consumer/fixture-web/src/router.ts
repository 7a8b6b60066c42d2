// The server's router in a file a browser app may import types from: it imports no Node-only
// module, so the web tsconfig (`"types": []`) compiles it. Start-up (env, db file) lives elsewhere.
import { Agent, AgentFactory, type Model, type Store } from '@agentmint/core';
import { AgentOS } from '@agentmint/trpc';
import { z } from 'zod';

export function createAgentOS(deps: { readonly db: Store; readonly model: () => Model }) {
  const research = new AgentFactory({
    id: 'research-agent',
    db: deps.db,
    inputSchema: z.object({
      persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
      depth: z.number().int().default(3),
    }),
    factory: (ctx) =>
      new Agent({ model: deps.model(), instructions: `You are a ${ctx.input.persona}.` }),
  });
  return new AgentOS({ agents: [research] });
}

export type AppRouter = ReturnType<typeof createAgentOS>['router'];
