/**
 * Starts an SSE response with `retry: <ms>`: EventSource clients otherwise wait their default
 * (3 s in `eventsource`) before resuming a dropped tRPC stream, and tRPC's producer sends none.
 */
export function withReconnectHint(response: Response, retryMs: number): Response {
  const type = response.headers.get('content-type');
  if (!response.body || !type?.startsWith('text/event-stream')) return response;
  const hint = new TextEncoder().encode(`retry: ${retryMs}\n\n`);
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(hint);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}
