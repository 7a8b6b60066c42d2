import {
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCLink,
} from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { EventSource as EventSourcePolyfill } from 'eventsource';
import superjson from 'superjson';
import type { AgentClientBaseOptions } from './agentClientOptions.ts';
import { eventSourceFetch } from './eventSourceFetch.ts';
import { requestHeaders } from './requestHeaders.ts';

/**
 * The tRPC links an AgentMint client uses: superjson, batched queries, one request per mutation,
 * SSE streams that send the token and headers on every (re)connect. Pass them to `createTRPCClient` when you
 * use tRPC's own client, e.g. with `@trpc/tanstack-react-query`.
 */
export function agentLinks<TRouter extends AnyTRPCRouter>(
  options: AgentClientBaseOptions,
): TRPCLink<TRouter>[] {
  const headers = requestHeaders(options);
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // tRPC's RequestInit-like type allows `signal: undefined`; fetch's does not under exactOptionalPropertyTypes.
  const fetch = (url: string | URL | Request, init?: unknown) =>
    baseFetch(url, init as RequestInit);
  const link = splitLink<AnyTRPCRouter>({
    condition: (op) => op.type === 'subscription',
    true: httpSubscriptionLink({
      url: options.url,
      transformer: superjson,
      EventSource: options.EventSource ?? EventSourcePolyfill,
      // Called for every new EventSource; the fetch itself runs on every reconnect.
      eventSourceOptions: () => ({ fetch: eventSourceFetch(baseFetch, headers) }),
    }),
    false: splitLink({
      // A run answers when it ends: batched, it would hold back every call sharing its request,
      // and the batch timer would delay a start (and so a stream's first event) by a tick.
      condition: (op) => op.type === 'mutation',
      true: httpLink({ url: options.url, transformer: superjson, headers, fetch }),
      false: httpBatchLink({
        url: options.url,
        transformer: superjson,
        maxItems: options.maxBatchSize ?? 10,
        headers,
        fetch,
      }),
    }),
  });
  // The links never read the router type; it only has to match the client they are given to.
  return [link as unknown as TRPCLink<TRouter>];
}
