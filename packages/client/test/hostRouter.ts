import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import type { Cleanup, TestRouter } from './fixtures.ts';

interface HostContext {
  readonly requestId: string;
  readonly headers: Headers;
}

// A host app's own tRPC: its own context and the default error formatter (no agentmintCode).
const host = initTRPC.context<HostContext>().create({ transformer: superjson });

export function createHostRouter(agentRouter: TestRouter) {
  return host.router({
    ai: agentRouter,
    ping: host.procedure.query(({ ctx }) => `pong ${ctx.requestId}`),
  });
}

export type HostRouter = ReturnType<typeof createHostRouter>;

/** Serves a host router that mounts AgentOS at `ai`, on tRPC's standalone Node adapter. */
export async function serveHost(agentRouter: TestRouter, cleanup: Cleanup) {
  const server = createHTTPServer({
    router: createHostRouter(agentRouter),
    basePath: '/api/',
    createContext: ({ req }) => {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(key, value);
      }
      return { requestId: 'r1', headers };
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api` };
}
