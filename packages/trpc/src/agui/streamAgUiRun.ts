import { EventEncoder } from '@ag-ui/encoder';
import type { ActiveRun } from '@agentmint/core';
import { AgUiEventTranslator, type AgUiRunIds } from './aguiEventTranslator.ts';

/**
 * A started run as an AG-UI event stream (SSE, or AG-UI's protobuf framing when the client's
 * Accept asks for it). Pulled by the client, so a slow reader slows the reads, not the run's
 * memory; the client going away (abort, disconnect) cancels the run.
 */
export function streamAgUiRun(run: ActiveRun, ids: AgUiRunIds, request: Request): Response {
  const encoder = new EventEncoder({ accept: request.headers.get('accept') ?? '' });
  const translator = new AgUiEventTranslator(ids);
  const events = run.subscribe(0);
  const stop = () => {
    run.cancel('client disconnected');
    void events.return(undefined);
  };
  request.signal.addEventListener('abort', stop, { once: true });
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Loop until something is written: a pull that enqueues nothing is not called again.
      while (true) {
        const next = await events.next();
        const out = next.done ? translator.finish() : translator.translate(next.value);
        for (const event of out) controller.enqueue(encoder.encodeBinary(event));
        if (next.done || translator.ended) {
          request.signal.removeEventListener('abort', stop);
          controller.close();
          return;
        }
        if (out.length > 0) return;
      }
    },
    cancel: stop,
  });
  return new Response(body, {
    headers: {
      'content-type': encoder.getContentType(),
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    },
  });
}
