import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { initTRPC, tracked } from '@trpc/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCNodeHandler } from '../src/server/trpcNodeHandler.ts';
import { testNodeHandlerOptions } from './testNodeHandlerOptions.ts';

// The first event of a watched run waits for the SSE head: what the subscription has ready in its
// first tick (head, `connected`, buffered events) must leave in one socket write, and a later
// event in its own.
const t = initTRPC.create({ transformer: superjson, isDev: false });
let release: () => void = () => {};
const router = t.router({
  ready: t.procedure.subscription(async function* () {
    for (let i = 1; i <= 3; i++) yield tracked(String(i), { i });
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    yield tracked('4', { i: 4 });
  }),
  // A long backlog ready at once (a finished run's 200 deltas): about 60 KB of frames.
  backlog: t.procedure.subscription(async function* () {
    for (let i = 1; i <= BACKLOG; i++) yield tracked(String(i), { i, text: 'x'.repeat(120) });
  }),
});
const BACKLOG = 400;

/** How many times the server's socket wrote to the kernel (one `_write` or `_writev` each). */
const socketWrites: string[][] = [];
let server: Server;
let url: string;
beforeAll(async () => {
  const handler = createTRPCNodeHandler({
    router,
    ...testNodeHandlerOptions,
    onError: () => {},
  });
  server = createServer((req, res) => void handler(req, res));
  server.on('connection', (socket: Socket) => {
    const writes: string[] = [];
    socketWrites.push(writes);
    const plain = socket as unknown as {
      _write: (this: Socket, chunk: unknown, ...rest: unknown[]) => unknown;
      _writev: (this: Socket, chunks: { chunk: unknown }[], ...rest: unknown[]) => unknown;
    };
    const write = plain._write;
    const writev = plain._writev;
    plain._write = function (chunk, ...rest) {
      writes.push(String(chunk));
      return write.call(this, chunk, ...rest);
    };
    plain._writev = function (chunks, ...rest) {
      writes.push(chunks.map(({ chunk }) => String(chunk)).join(''));
      return writev.call(this, chunks, ...rest);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('an SSE subscription on the node path', () => {
  it('writes the head, `connected` and the ready events in one socket write', async () => {
    const response = await fetch(`${url}/trpc/ready`, { headers: { accept: 'text/event-stream' } });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('id: 3')) text += (await reader.read()).value ?? '';
    release();
    while (!text.includes('event: return')) {
      const next = await reader.read();
      if (next.done) break;
      text += next.value;
    }
    const writes = socketWrites.at(-1)!;
    expect(writes[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(writes[0]).toContain('event: connected');
    expect(writes[0]).toContain('id: 3');
    expect(writes[0]).not.toContain('id: 4');
    expect(writes.slice(1).join('')).toContain('id: 4');
    expect(text).toContain('event: return');
  });

  it('sends a long backlog in a few writes, the first one a small one with the first events', async () => {
    const response = await fetch(`${url}/trpc/backlog`, {
      headers: { accept: 'text/event-stream' },
    });
    const text = await response.text();
    for (const id of [1, 2, BACKLOG / 2, BACKLOG]) expect(text).toContain(`id: ${id}\n`);
    expect(text.match(/^id: /gm)).toHaveLength(BACKLOG);
    const writes = socketWrites.at(-1)!;
    expect(writes[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(writes[0]).toContain('id: 1\n');
    // The first event does not wait for the whole backlog to be serialized.
    expect(writes[0]).not.toContain(`id: ${BACKLOG / 2}\n`);
    expect(writes[0]!.length).toBeLessThan(8_192);
    // Still a few writes, not one per event.
    expect(writes.length).toBeLessThan(BACKLOG / 10);
  });
});
