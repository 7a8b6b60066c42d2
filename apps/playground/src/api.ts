import {
  type AgentClient,
  agentLinks,
  createAgentClient,
  type RunEvent,
  type StreamOptions,
} from '@agentmint/client';
import type { AppRouter } from '@agentmint/server/router';
import { createTRPCClient } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { connectionLog } from './connectionLog.ts';
import { tokenStore } from './tokenStore.ts';

/**
 * The page's own origin (apps/server serves both; Vite's dev server proxies /trpc), or another
 * server's with `?api=http://host:port` (that server must allow this origin: its `cors` option).
 */
export const apiOrigin = new URL(
  new URLSearchParams(window.location.search).get('api') ?? window.location.href,
).origin;
const url = `${apiOrigin}/trpc`;

const options = {
  url,
  // Asked before every request and every SSE (re)connect: a new token applies at once.
  token: () => tokenStore.get() || undefined,
  fetch: connectionLog.fetch,
};

/** Queries and mutations through tRPC's TanStack Query integration, on AgentMint's links. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
export const trpcClient = createTRPCClient<AppRouter>({ links: agentLinks(options) });

/**
 * Streams through the AgentMint client: `stream()` starts the run with a POST, then watches it;
 * a dropped connection is only ever watched again (from its last event), never restarted.
 */
export const agentClient: AgentClient<AppRouter> = createAgentClient<AppRouter>(options);

export interface StreamRequest {
  readonly message: string;
  readonly sessionId?: string;
  readonly factoryInput?: Readonly<Record<string, unknown>>;
}

type AnyAgentHandle = {
  stream(input: StreamRequest, options?: StreamOptions): AsyncGenerator<RunEvent, void, undefined>;
};

/**
 * The playground shows whatever agents the server lists, so it reaches a handle by a run-time id
 * with any factory input; the server validates it and answers 400 with issues at their paths.
 */
export function streamRun(
  agentId: string,
  request: StreamRequest,
  signal?: AbortSignal,
): AsyncGenerator<RunEvent, void, undefined> {
  const agents = agentClient.agents as unknown as Readonly<Record<string, AnyAgentHandle>>;
  const handle = agents[agentId];
  if (!handle) throw new Error(`Unknown agent ${agentId}`);
  return handle.stream(request, signal ? { signal } : undefined);
}
