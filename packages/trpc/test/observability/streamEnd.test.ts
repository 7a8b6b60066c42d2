import { describe, expect, it, vi } from 'vitest';
import { onStreamEnd } from '../../src/observability/streamEnd.ts';

// The request span and the open-stream gauge end through onStreamEnd: a plain answer must come
// back untouched (its body unread, so @hono/node-server keeps writing it straight to the socket),
// a server-sent event stream must end them only when the stream does.

function sse(chunks: readonly string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('onStreamEnd', () => {
  it('returns a plain answer as it is, without reading its body, and ends at once', () => {
    const response = new Response('{"ok":true}', {
      headers: { 'content-type': 'application/json' },
    });
    Object.defineProperty(response, 'body', {
      get: () => {
        throw new Error('the body of a plain answer was read');
      },
    });
    const onEnd = vi.fn();
    expect(onStreamEnd(response, onEnd)).toBe(response);
    expect(onEnd).toHaveBeenCalledOnce();
  });

  it('ends a server-sent event stream once it is read to the end, with the same bytes', async () => {
    const onEnd = vi.fn();
    const watched = onStreamEnd(sse(['data: 1\n\n', 'data: 2\n\n']), onEnd);
    expect(watched.headers.get('content-type')).toBe('text/event-stream');
    expect(onEnd).not.toHaveBeenCalled();
    expect(await watched.text()).toBe('data: 1\n\ndata: 2\n\n');
    expect(onEnd).toHaveBeenCalledOnce();
  });

  it('ends a server-sent event stream the client cancels', async () => {
    const onEnd = vi.fn();
    const watched = onStreamEnd(sse(['data: 1\n\n', 'data: 2\n\n']), onEnd);
    const reader = watched.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(onEnd).toHaveBeenCalledOnce();
  });
});
