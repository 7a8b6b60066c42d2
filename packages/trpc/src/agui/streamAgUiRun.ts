import { EventType } from '@ag-ui/core';
import { EventEncoder } from '@ag-ui/encoder';
import type { ActiveRun, Logger } from '@agentmint/core';
import { toReportedPublicError } from '../errorMapping.ts';
import { AgUiEventTranslator, type AgUiRunIds } from './aguiEventTranslator.ts';

/**
 * A started run as an AG-UI event stream (SSE, or AG-UI's protobuf framing when the client's
 * Accept asks for it). Pulled by the client, so a slow reader slows the reads, not the run's
 * memory; the client going away (abort, disconnect) cancels the run. `resumedToolCallIds` are the
 * calls a resume decided: the client has them from the interrupt, so only their results are sent.
 */
export function streamAgUiRun(
  run: ActiveRun,
  ids: AgUiRunIds,
  request: Request,
  logger: Logger,
  resumedToolCallIds: Iterable<string> = [],
): Response {
  const encoder = new EventEncoder({ accept: request.headers.get('accept') ?? '' });
  const translator = new AgUiEventTranslator(ids, resumedToolCallIds);
  // A resumed run's events go on after its pause; only the new ones make this AG-UI run.
  const events = run.subscribe(run.firstSeq);
  const stop = () => {
    run.cancel('client disconnected');
    void events.return(undefined);
  };
  request.signal.addEventListener('abort', stop, { once: true });
  const end = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    request.signal.removeEventListener('abort', stop);
    controller.close();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Loop until something is written: a pull that enqueues nothing is not called again.
      while (true) {
        const next = await events.next().catch((error: unknown) => {
          // The stream itself failed (not the run): end it the AG-UI way, with a safe message.
          const { code, message } = toReportedPublicError(error, logger);
          controller.enqueue(
            encoder.encodeBinary({
              type: EventType.RUN_ERROR,
              timestamp: Date.now(),
              code,
              message,
            }),
          );
          return undefined;
        });
        if (next === undefined) return end(controller);
        const out = next.done ? translator.finish() : translator.translate(next.value);
        for (const event of out) controller.enqueue(encoder.encodeBinary(event));
        if (next.done || translator.ended) return end(controller);
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
