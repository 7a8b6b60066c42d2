import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { SpanKind } from '@opentelemetry/api';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { afterEach, describe, expect, it } from 'vitest';
import { requestSpans } from '../../src/observability/requestSpans.ts';
import { MemoryTracing } from './memoryTracing.ts';

// The request span middleware on a bare Hono app, in a web-standard host (no node:http env) and
// under @hono/node-server: a plain answer goes out as the very object the handler made (Hono
// rebuilds a response from its body when `c.res` is set again, and on @hono/node-server reading
// the body turns a string into a web stream to pump); a streamed answer's span lasts until the
// stream ends.

function tracedApp(tracing: MemoryTracing, streamGate?: Promise<void>) {
  const app = new Hono();
  app.use('*', requestSpans(tracing.provider.getTracer('test')));
  let answered: Response | undefined;
  app.get('/things/:id', (c) => {
    answered = c.json({ ok: true });
    Object.defineProperty(answered, 'body', {
      get: () => {
        throw new Error('the body of a plain answer was read');
      },
    });
    return answered;
  });
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      await stream.writeSSE({ data: 'first' });
      await streamGate;
      await stream.writeSSE({ data: 'last' });
    }),
  );
  return { app, answered: () => answered };
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function onNodeServer(app: Hono): Promise<string> {
  server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('requestSpans', () => {
  it('leaves a plain answer as the handler made it and ends the span', async () => {
    const tracing = new MemoryTracing();
    const { app, answered } = tracedApp(tracing);
    const response = await app.request('/things/7');
    expect(response).toBe(answered());
    const [span] = await tracing.spans();
    expect(span).toMatchObject({
      name: 'GET /things/:id',
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/things/:id', 'http.response.status_code': 200 },
    });
  });

  it('on @hono/node-server, ends a plain answer span once sent, a stream span once it ends', async () => {
    const tracing = new MemoryTracing();
    let open!: () => void;
    const { app } = tracedApp(
      tracing,
      new Promise<void>((resolve) => {
        open = resolve;
      }),
    );
    const url = await onNodeServer(app);
    expect(await (await fetch(`${url}/things/7`)).json()).toEqual({ ok: true });
    const [plain] = await tracing.spans();
    expect(plain).toMatchObject({
      name: 'GET /things/:id',
      attributes: { 'http.response.status_code': 200 },
    });

    const reader = (await fetch(`${url}/events`)).body!.pipeThrough(new TextDecoderStream());
    const chunks = reader.getReader();
    expect((await chunks.read()).value).toContain('first');
    // The first event is out and the stream still open: its span has not ended.
    expect(tracing.exporter.getFinishedSpans()).toHaveLength(1);
    open();
    let text = '';
    for (let next = await chunks.read(); !next.done; next = await chunks.read()) text += next.value;
    expect(text).toContain('last');
    const spans = await tracing.spans(2);
    expect(spans[1]).toMatchObject({ name: 'GET /events', kind: SpanKind.SERVER });
  });
});
