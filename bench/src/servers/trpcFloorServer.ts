import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentmintTRPC as t } from '@agentmint/trpc';
import { z } from 'zod';
// Not public API: the floor is served by the very handler `serve()` answers `/trpc` with.
import { createTRPCNodeHandler } from '../../../packages/trpc/src/server/trpcNodeHandler.ts';
import { RESEARCH_AGENT_ID } from './researchAgent.ts';
import { serveChild } from './serveChild.ts';

/**
 * The tRPC floor: `agents.research-agent.run` as a trivial mutation (zod input, a constant run
 * record of the same shape out), served the way `serve()` answers AgentOS's `/trpc`: node:http,
 * the same node tRPC handler (plain calls without `resolveResponse`), AgentOS's own `initTRPC`
 * with its wire transformer and error formatter, a context built per request from the headers.
 * No auth middleware, no factory, no run, no store. What AgentOS costs above this is ours (the run
 * and its procedure); what this costs above the bare baseline is the serving stack's.
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
  const handle = createTRPCNodeHandler({
    router,
    endpoint: '/trpc',
    maxBodyBytes: 1 << 20,
    maxBatchSize: 10,
    sseReconnectMs: 1_000,
    logger: console,
    onError: () => {},
    // As AgentOS without auth: a plain context per request with the headers' record.
    createContext: (req) => ({ headers: { ...req.headers } }),
  });
  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    openRuns: () => -1,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
