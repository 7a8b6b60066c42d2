import type { RunEvent } from '@agentmint/core';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import type { BenchRouter } from '../servers/benchOS.ts';
import type { LoadRequest } from './load.ts';
import type { SseRequest } from './sseClient.ts';

/** The seed's request: `curl -F message=… -F 'factory_input={"persona": "skeptic", "depth": 5}'`. */
export const MESSAGE = 'What are the latest trends in AI?';
export const FACTORY_INPUT = { persona: 'skeptic', depth: 5 } as const;
/** Fails the factory's schema: an unknown persona and a depth over 10 (400 at AgentOS). */
export const BAD_FACTORY_INPUT = { persona: 'nobody', depth: 50 } as const;

/** `POST /agents/research-agent/runs` as multipart/form-data, encoded the way fetch encodes a FormData. */
export async function restRunRequest(options: {
  readonly stream: boolean;
  readonly factoryInput?: object;
  readonly expectStatus?: number;
}): Promise<LoadRequest> {
  const form = new FormData();
  form.set('message', MESSAGE);
  form.set('factory_input', JSON.stringify(options.factoryInput ?? FACTORY_INPUT));
  form.set('stream', String(options.stream));
  const encoded = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return {
    method: 'POST',
    path: '/agents/research-agent/runs',
    headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
    body: Buffer.from(await encoded.arrayBuffer()),
    expectStatus: options.expectStatus ?? 200,
  };
}

interface CapturedFetch {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `agents['research-agent'].run` once through the real tRPC client (httpBatchLink,
 * superjson) and returns exactly the request it sent, to replay under load.
 */
export async function captureTRPCRun(
  baseUrl: string,
  options: { readonly factoryInput?: object; readonly expectStatus?: number } = {},
): Promise<{ request: LoadRequest; response: unknown }> {
  let captured: CapturedFetch | undefined;
  const client = createTRPCClient<BenchRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl}/trpc`,
        transformer: superjson,
        fetch: async (input, init) => {
          const headers: Record<string, string> = {};
          new Headers(init?.headers as HeadersInit | undefined).forEach((value, key) => {
            headers[key] = value;
          });
          captured = {
            url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
            method: init?.method ?? 'GET',
            headers,
            body: typeof init?.body === 'string' ? init.body : '',
          };
          return fetch(input, init as RequestInit);
        },
      }),
    ],
  });
  let response: unknown;
  try {
    response = await client.agents['research-agent'].run.mutate({
      message: MESSAGE,
      // The invalid case sends what the types forbid, as a misbehaving client would.
      factoryInput: (options.factoryInput ?? FACTORY_INPUT) as typeof FACTORY_INPUT,
    });
  } catch (error) {
    if (!(error instanceof TRPCClientError) || options.expectStatus === undefined) throw error;
    response = error;
  }
  if (!captured) throw new Error('the tRPC client sent nothing');
  const url = new URL(captured.url);
  return {
    request: {
      method: captured.method === 'POST' ? 'POST' : 'GET',
      path: `${url.pathname}${url.search}`,
      headers: captured.headers,
      body: captured.body,
      expectStatus: options.expectStatus ?? 200,
    },
    response,
  };
}

/** tRPC's GET input encoding: `?input=` of the superjson-wrapped value. */
function trpcInput(value: unknown): string {
  return encodeURIComponent(JSON.stringify({ json: value }));
}

/**
 * A tRPC stream as a client's `stream()` sends it: `agents.research-agent.start` (a POST), then
 * `runs.watch` of the run it started (a GET). The baseline answers the same two requests.
 */
export function trpcStreamRequest(): SseRequest {
  return {
    method: 'GET',
    path: '/trpc/runs.watch',
    headers: {},
    countBlocksWith: 'id',
    start: {
      path: '/trpc/agents.research-agent.start',
      body: JSON.stringify({ json: { message: MESSAGE, factoryInput: FACTORY_INPUT } }),
      watchPath: (runId) => `/trpc/runs.watch?input=${trpcInput({ runId })}`,
    },
  };
}

/** The baseline's one-GET stream in tRPC's framing: runs and streams in one request (round 1's protocol). */
export function baselineTRPCStreamRequest(): SseRequest {
  const input = trpcInput({ message: MESSAGE, factoryInput: FACTORY_INPUT });
  return {
    method: 'GET',
    path: `/trpc/agents.research-agent.stream?input=${input}`,
    headers: {},
    countBlocksWith: 'id',
  };
}

/**
 * Starts `agents['research-agent']` once and watches it through the real links (httpBatchLink,
 * httpSubscriptionLink with the `eventsource` package); returns every event received.
 */
export async function captureTRPCStream(baseUrl: string): Promise<{ events: RunEvent[] }> {
  const url = `${baseUrl}/trpc`;
  const client = createTRPCClient<BenchRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, transformer: superjson, EventSource }),
        false: httpBatchLink({ url, transformer: superjson }),
      }),
    ],
  });
  const { runId } = await client.agents['research-agent'].start.mutate({
    message: MESSAGE,
    factoryInput: FACTORY_INPUT,
  });
  const events = await new Promise<RunEvent[]>((resolve, reject) => {
    const received: RunEvent[] = [];
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error('tRPC subscription: no terminal event within 30 s'));
    }, 30_000);
    const subscription = client.runs.watch.subscribe(
      { runId },
      {
        onData: ({ data }) => {
          received.push(data);
          if (
            data.event === 'RunCompleted' ||
            data.event === 'RunError' ||
            data.event === 'RunCancelled'
          ) {
            clearTimeout(timer);
            subscription.unsubscribe();
            resolve(received);
          }
        },
        onError: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      },
    );
  });
  return { events };
}
