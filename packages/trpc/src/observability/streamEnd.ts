/**
 * Calls `onEnd` once when a streamed (SSE) response body is done: read to the end, cancelled by
 * the client, or failed. Returns the response to send: a new one around the stream, or, for any
 * other response, the same object untouched, with `onEnd` called at once.
 *
 * Only the content type is read first: reading `body` turns @hono/node-server's lightweight
 * response (a string it writes straight to the socket) into a web stream it must pump.
 */
export function onStreamEnd(response: Response, onEnd: () => void): Response {
  const body = isEventStream(response) ? response.body : null;
  if (!body) {
    onEnd();
    return response;
  }
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const reader = body.getReader();
  const watched = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) {
          end();
          controller.close();
        } else controller.enqueue(next.value);
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
  return new Response(watched, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Whether a response is server-sent events (its body streams until the run ends). */
export function isEventStream(response: Response): boolean {
  return response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
}
