import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { initTRPC, TRPCError, tracked } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTRPCNodeHandler } from '../src/server/trpcNodeHandler.ts';
import { withReconnectHint } from '../src/server/withReconnectHint.ts';
import { testNodeHandlerOptions } from './testNodeHandlerOptions.ts';

// serve()'s node:http path answers plain calls and subscriptions without tRPC's resolveResponse
// and SSE producer: the bytes must be what tRPC itself (the fetch adapter) answers.
const t = initTRPC.context<{ headers: Headers }>().create({
  transformer: superjson,
  isDev: false,
  sse: { ping: { enabled: true, intervalMs: 60 }, client: { reconnectAfterInactivityMs: 5_000 } },
});

const router = t.router({
  echo: t.procedure.input(z.object({ n: z.number() })).query(({ input }) => ({
    n: input.n,
    at: new Date(0),
    tags: new Set(['a']),
  })),
  add: t.procedure
    .input(z.object({ a: z.number(), b: z.number() }))
    .mutation(({ input }) => input.a + input.b),
  forbidden: t.procedure.mutation(() => {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'no' });
  }),
  events: t.procedure
    .input(z.object({ from: z.number(), lastEventId: z.string().optional() }))
    .subscription(async function* ({ input }) {
      const start = input.lastEventId ? Number(input.lastEventId) + 1 : input.from;
      for (let i = start; i < start + 3; i++) yield tracked(String(i), { i, at: new Date(i) });
      yield { untracked: true };
    }),
  failing: t.procedure.subscription(async function* () {
    yield tracked('1', 'one');
    throw new TRPCError({ code: 'CONFLICT', message: 'gone' });
  }),
  quiet: t.procedure.subscription(async function* () {
    await new Promise((resolve) => setTimeout(resolve, 250));
    yield 'late';
  }),
});

const errors: string[] = [];
let node: Server;
let viaFetch: Server;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}

let nodeUrl: string;
let fetchUrl: string;
/** Open SSE streams as the handler counts them (the metrics gauge in AgentOS). */
let openStreams = 0;
beforeAll(async () => {
  const handler = createTRPCNodeHandler({
    router,
    ...testNodeHandlerOptions,
    onError: ({ error, path }) => errors.push(`node ${path} ${error.code}`),
    openStreams: { inc: () => openStreams++, dec: () => openStreams-- },
  });
  node = createServer((req, res) => void handler(req, res));
  viaFetch = createServer(
    getRequestListener(async (req) =>
      withReconnectHint(
        await fetchRequestHandler({
          endpoint: '/trpc',
          req,
          router,
          createContext: ({ req: request }) => ({ headers: request.headers }),
          onError: ({ error, path }) => errors.push(`fetch ${path} ${error.code}`),
        }),
        500,
      ),
    ),
  );
  [nodeUrl, fetchUrl] = await Promise.all([listen(node), listen(viaFetch)]);
});
afterAll(() => {
  node.closeAllConnections();
  viaFetch.closeAllConnections();
  node.close();
  viaFetch.close();
});

const input = (value: unknown) => encodeURIComponent(JSON.stringify(superjson.serialize(value)));

async function both(path: string, init: RequestInit = {}) {
  const answers = await Promise.all(
    [nodeUrl, fetchUrl].map(async (base) => {
      const response = await fetch(`${base}/trpc/${path}`, init);
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        vary: response.headers.get('vary'),
        body: await response.text(),
      };
    }),
  );
  return { node: answers[0]!, fetch: answers[1]! };
}

describe("serve()'s node:http tRPC path answers byte for byte as tRPC's fetch adapter", () => {
  it.each([
    ['a query by GET', `echo?input=${input({ n: 1 })}`, {}],
    ['a batched query', `echo,echo?batch=1&input=${input({ 0: { n: 1 }, 1: { n: 2 } })}`, {}],
    ['a query with bad input (400)', `echo?input=${input({ n: 'x' })}`, {}],
    [
      'a mutation',
      'add',
      { method: 'POST', body: JSON.stringify(superjson.serialize({ a: 1, b: 2 })) },
    ],
    [
      'a batch with an error in it (207)',
      'add,forbidden?batch=1',
      { method: 'POST', body: JSON.stringify({ 0: superjson.serialize({ a: 1, b: 2 }) }) },
    ],
    [
      'a batched mutation (the batch link POSTs with ?batch=1)',
      'add?batch=1',
      { method: 'POST', body: JSON.stringify({ 0: superjson.serialize({ a: 2, b: 3 }) }) },
    ],
    [
      'the same mutation again, its procedures looked up before',
      'add?batch=1',
      { method: 'POST', body: JSON.stringify({ 0: superjson.serialize({ a: 5, b: 8 }) }) },
    ],
    [
      'a query string like the batch one but not it',
      'add?batch=10',
      { method: 'POST', body: JSON.stringify(superjson.serialize({ a: 1, b: 1 })) },
    ],
    [
      'a batch with an unknown procedure (404)',
      'add,nope?batch=1',
      { method: 'POST', body: JSON.stringify({ 0: superjson.serialize({ a: 1, b: 2 }) }) },
    ],
    [
      'a batch mixing a query and a mutation (400)',
      'echo,add?batch=1',
      {
        method: 'POST',
        body: JSON.stringify({
          0: superjson.serialize({ n: 1 }),
          1: superjson.serialize({ a: 1, b: 2 }),
        }),
      },
    ],
    ['a batched mutation by GET (405), after the POST', 'add?batch=1', {}],
    ['a mutation by GET (405)', 'add', {}],
    ['an unknown procedure (404)', 'nope', {}],
    ['a body that is not JSON', 'add', { method: 'POST', body: '{' }],
    [
      'input the transformer refuses (400)',
      'add',
      {
        method: 'POST',
        body: JSON.stringify({
          json: { a: 1, b: 2 },
          meta: { values: { '__proto__.x': ['Date'] } },
        }),
      },
    ],
    ['a subscription with tracked and untracked events', `events?input=${input({ from: 1 })}`, {}],
    ['a subscription that throws', 'failing', {}],
    ['a subscription with bad input', `events?input=${input({ from: 'x' })}`, {}],
    [
      'a resumed subscription (Last-Event-ID header)',
      `events?input=${input({ from: 1 })}`,
      { headers: { 'last-event-id': '7' } },
    ],
    [
      'a resumed subscription (lastEventId in the query)',
      `events?input=${input({ from: 1 })}&lastEventId=4`,
      {},
    ],
  ] as const)('%s', async (_name, path, init) => {
    const headers = { 'content-type': 'application/json', ...('headers' in init && init.headers) };
    const { node: ours, fetch: theirs } = await both(path, { ...init, headers });
    expect(ours).toEqual(theirs);
  });

  it('reports each failed call to onError once per path, as tRPC does for plain calls', async () => {
    errors.length = 0;
    await both('add,forbidden?batch=1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 0: superjson.serialize({ a: 1, b: 2 }) }),
    });
    expect(errors.sort()).toEqual(['fetch forbidden FORBIDDEN', 'node forbidden FORBIDDEN']);
  });

  it('pings a quiet stream after the interval, then sends its event and ends', async () => {
    const response = await fetch(`${nodeUrl}/trpc/quiet`);
    expect(openStreams).toBe(1);
    const body = await response.text();
    expect(body.startsWith('retry: 500\n\nevent: connected\n')).toBe(true);
    expect(body).toContain('event: ping\ndata: \n\n\n');
    expect(body.endsWith('data: {"json":"late"}\n\n\nevent: return\ndata: \n\n\n')).toBe(true);
    await vi.waitFor(() => expect(openStreams).toBe(0));
  });
});
