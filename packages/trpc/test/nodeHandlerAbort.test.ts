import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTRPCNodeHandler } from '../src/server/trpcNodeHandler.ts';
import { testNodeHandlerOptions } from './testNodeHandlerOptions.ts';

// A call's `signal` aborts when its client leaves before the answer, and only then.
const t = initTRPC.context<object>().create({ transformer: superjson, isDev: false });

const signals: AbortSignal[] = [];
const router = t.router({
  wait: t.procedure.mutation(async ({ signal }) => {
    if (signal) signals.push(signal);
    await new Promise<void>((resolve) => {
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    return 'done';
  }),
  quick: t.procedure.mutation(({ signal }) => {
    if (signal) signals.push(signal);
    return 'ok';
  }),
});

let server: Server;
let port: number;
beforeAll(async () => {
  const handler = createTRPCNodeHandler({ router, ...testNodeHandlerOptions, onError() {} });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the node tRPC handler aborts a call whose client left', () => {
  it("aborts the signal of each request whose connection closes before its answer, not another's", async () => {
    signals.length = 0;
    const sockets = [0, 1].map(() => {
      const socket = connect(port, '127.0.0.1');
      socket.write(
        'POST /trpc/wait?batch=1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
          'content-length: 2\r\n\r\n{}',
      );
      return socket;
    });
    await vi.waitFor(() => expect(signals).toHaveLength(2));
    const [first, second] = signals as [AbortSignal, AbortSignal];
    expect(first).not.toBe(second);
    sockets[0]?.destroy();
    await vi.waitFor(() => expect(first.aborted || second.aborted).toBe(true));
    // One of them left; the other still waits, its signal untouched.
    expect(first.aborted && second.aborted).toBe(false);
    sockets[1]?.destroy();
    await vi.waitFor(() => expect(first.aborted && second.aborted).toBe(true));
  });

  it('leaves the signal of an answered call alone when its connection closes later', async () => {
    signals.length = 0;
    const response = await fetch(`http://127.0.0.1:${port}/trpc/quick?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: '{}',
    });
    expect(await response.json()).toEqual([{ result: { data: { json: 'ok' } } }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
  });
});
