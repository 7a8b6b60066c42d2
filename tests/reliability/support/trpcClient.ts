import type { RunEvent } from '@agentmint/core';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { EventSource } from 'eventsource';
import superjson from 'superjson';

/** A typed client of an AgentOS router at `url` (the server root), sending `token` if given. */
export function trpcClient<TRouter extends AnyTRPCRouter>(
  url: string,
  token?: string,
): TRPCClient<TRouter> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const endpoint = `${url}/trpc`;
  return createTRPCClient<TRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: endpoint,
          transformer: superjson,
          EventSource,
          eventSourceOptions: {
            fetch: (input: string | URL | Request, init?: RequestInit) =>
              fetch(input, { ...init, headers: { ...(init?.headers ?? {}), ...headers } }),
          },
        } as never),
        false: httpBatchLink({ url: endpoint, transformer: superjson, headers } as never),
      }),
    ],
  });
}

export interface Collected {
  readonly events: RunEvent[];
  readonly ids: string[];
  readonly error: unknown;
}

type Handlers = {
  onData: (data: { id: string; data: RunEvent }) => void;
  onError: (error: unknown) => void;
  onComplete: () => void;
};

/**
 * Collects a subscription's events until a terminal event, an error, `until`, or `timeoutMs`;
 * never rejects (the error is returned), so tests assert on both outcomes alike.
 */
export function collect(
  subscribe: (handlers: Handlers) => { unsubscribe(): void },
  options: { until?: (events: RunEvent[]) => boolean; timeoutMs?: number } = {},
): Promise<Collected> {
  return new Promise((resolve) => {
    const events: RunEvent[] = [];
    const ids: string[] = [];
    let done = false;
    let sub: { unsubscribe(): void } | undefined;
    const finish = (error: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sub?.unsubscribe();
      resolve({ events, ids, error });
    };
    const timer = setTimeout(
      () => finish(new Error('subscription timed out')),
      options.timeoutMs ?? 10_000,
    );
    sub = subscribe({
      onData: ({ id, data }) => {
        events.push(data);
        ids.push(id);
        const terminal =
          data.event === 'RunCompleted' ||
          data.event === 'RunError' ||
          data.event === 'RunCancelled';
        if (terminal || options.until?.(events)) finish(undefined);
      },
      onError: (error) => finish(error),
      onComplete: () => finish(undefined),
    });
    if (done) sub.unsubscribe();
  });
}
