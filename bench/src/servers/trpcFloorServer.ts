import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentmintTRPC as t } from '@agentmint/trpc';
import { createAdaptorServer } from '@hono/node-server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Hono } from 'hono';
import { z } from 'zod';
import { RESEARCH_AGENT_ID } from './researchAgent.ts';
import { serveChild } from './serveChild.ts';

/**
 * The tRPC floor: the stack AgentOS's `/trpc` had until round 3 of issue #18, and still has behind
 * a host's own `fetch` (Hono on @hono/node-server, `fetchRequestHandler`, AgentOS's own `initTRPC`
 * with superjson and its error formatter; `serve()` now answers `/trpc` on node:http), serving
 * `agents.research-agent.run` as a trivial mutation: zod input, a constant run record of the same
 * shape out. No auth middleware, no factory, no run, no store. What AgentOS costs above this is
 * ours; what this costs above the bare baseline is the framework's.
 */
const input = z.object({
  message: z.string().min(1),
  sessionId: z.string().optional(),
  userId: z.string().optional(),
  factoryInput: z.unknown().optional(),
});

const router = t.router({
  agents: t.router({
    [RESEARCH_AGENT_ID]: t.router({
      run: t.procedure.input(input).mutation(({ input: run }) => ({
        runId: crypto.randomUUID(),
        sessionId: crypto.randomUUID(),
        agentId: RESEARCH_AGENT_ID,
        userId: run.userId ?? null,
        status: 'COMPLETED',
        content: 'ok',
        contentType: 'str',
        model: 'scripted',
        modelProvider: 'Scripted',
        metrics: {
          duration: 0.0005,
          timeToFirstToken: 0.0005,
          inputTokens: 47,
          outputTokens: 1,
          totalTokens: 48,
        },
        error: null,
        messages: [
          { role: 'user', content: run.message },
          { role: 'assistant', content: 'ok' },
        ],
        createdAt: new Date(),
      })),
    }),
  }),
});

await serveChild(async () => {
  const app = new Hono();
  app.all('/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router,
      createContext: ({ req }) => ({ headers: req.headers }),
    }),
  );
  const server = createAdaptorServer({ fetch: app.fetch, hostname: '127.0.0.1' }) as Server;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    openRuns: () => -1,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
