import type { ServerResponse } from 'node:http';
import type { AnyTRPCRouter, TRPCError } from '@trpc/server';
import { isObservable, observableToAsyncIterable } from '@trpc/server/observable';
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  isAbortError,
  isAsyncIterable,
  isObject,
  isTrackedEnvelope,
  sseHeaders,
  TRPCError as TRPCErrorClass,
} from '@trpc/server/unstable-core-do-not-import';
import { textSerializer } from '../wireTransformer.ts';
import { callProcedure } from './callProcedure.ts';
import { corkForThisTick } from './corkForThisTick.ts';
import { type DirectCall, deserializeInput } from './directCalls.ts';
import { drained } from './drained.ts';
import type { SsePinger } from './ssePinger.ts';
import { writeHead } from './writeHead.ts';

export interface SseSubscriptionOptions {
  readonly router: AnyTRPCRouter;
  readonly call: DirectCall;
  readonly ctx: object;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** `Last-Event-ID` (header, or `lastEventId` in the query), as tRPC reads it. */
  readonly lastEventId: string | null;
  /** Written first (`retry: <ms>`), before tRPC's own frames. */
  readonly preamble: string;
  readonly pinger: SsePinger;
  readonly onError: (opts: { error: TRPCError; path: string | undefined }) => void;
}

/**
 * Serves one tRPC subscription over SSE straight to the socket, frame for frame what tRPC's
 * `sseStreamProducer` writes (`connected` with the client options, `data:`/`id:` per event with
 * tracked ids, `restore-id`, `ping` after a quiet interval, `return` at the end, `serialized-error`
 * on a failure), so `httpSubscriptionLink` and any EventSource read it unchanged. One `res.write`
 * per event, from the procedure's iterator: no web streams, no per-event timer race. What is ready
 * in the first tick goes out in one socket write with the head.
 */
export async function serveSseSubscription(
  res: ServerResponse,
  options: SseSubscriptionOptions,
): Promise<void> {
  const { router, call, ctx, signal } = options;
  const config = router._def._config;
  const toJson = textSerializer(config.transformer.output.serialize);
  const serialize = (value: unknown) => JSON.stringify(toJson(value));
  let input: unknown;
  const fail = (cause: unknown): string => {
    const error = getTRPCErrorFromUnknown(cause);
    options.onError({ error, path: call.path });
    const shape = getErrorShape({
      config,
      ctx,
      error,
      input,
      path: call.path,
      type: 'subscription',
    });
    return frame('serialized-error', serialize(shape));
  };

  // The head, `connected` and the events ready without waiting (a run's stored or buffered ones)
  // leave in one socket write; back-pressure still holds (the cork ends this tick).
  const cork = corkForThisTick(res);
  writeHead(res, 200, { vary: 'trpc-accept, accept', ...sseHeaders });
  res.write(`${options.preamble}${frame('connected', JSON.stringify(config.sse?.client ?? {}))}`);
  let iterator: AsyncIterator<unknown> | undefined;
  try {
    const data: unknown = await callProcedure(call.procedure, {
      path: call.path,
      getRawInput: async () => {
        input = withLastEventId(deserializeInput(router, call.rawInput), options.lastEventId);
        return input;
      },
      ctx,
      type: 'subscription',
      signal,
      batchIndex: 0,
    });
    iterator = toIterator(data, call.path, signal);
  } catch (cause) {
    if (!signal.aborted) res.end(fail(cause));
    else res.end();
    return;
  }

  const stream = options.pinger.add(res);
  const stop = () => void iterator?.return?.().catch(() => {});
  signal.addEventListener('abort', stop, { once: true });
  // The id the client's EventSource holds; an id it cannot send back is not one.
  let lastEventId =
    options.lastEventId && !/[\0\n\r]/.test(options.lastEventId) ? options.lastEventId : null;
  let ending = frame('return', '');
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done || signal.aborted) break;
      const value: unknown = next.value;
      let chunk: string;
      if (isTrackedEnvelope(value)) {
        lastEventId = value[0];
        chunk = `data: ${serialize(value[1])}\nid: ${lastEventId}\n\n\n`;
      } else if (lastEventId === null) {
        chunk = `data: ${serialize(value)}\n\n\n`;
      } else {
        // EventSource gives an event without an id the last one it got: clear it for this event
        // and restore it with one clients do not listen to, so a reconnect still resumes from it.
        chunk = `data: ${serialize(value)}\nid: \n\n\n${frame('restore-id', '', lastEventId)}`;
      }
      stream.wrote();
      const flowing = res.write(chunk);
      cork.wrote();
      if (!flowing) await drained(res);
    }
  } catch (cause) {
    ending = isAbortError(cause) || signal.aborted ? '' : fail(cause);
  } finally {
    signal.removeEventListener('abort', stop);
    stream.remove();
  }
  if (signal.aborted) return void res.end();
  res.end(ending);
}

/** One SSE frame as tRPC's producer lays it out (event, data, id; then a blank line and one more). */
function frame(event: string, data: string, id?: string): string {
  return `event: ${event}\ndata: ${data}\n${id === undefined ? '' : `id: ${id}\n`}\n\n`;
}

/** As tRPC's request parser: a reconnect's last event id joins the input. */
function withLastEventId(input: unknown, lastEventId: string | null): unknown {
  if (!lastEventId) return input;
  if (isObject(input)) return { ...input, lastEventId };
  return input ?? { lastEventId };
}

function toIterator(data: unknown, path: string, signal: AbortSignal): AsyncIterator<unknown> {
  if (isObservable(data)) return observableToAsyncIterable(data, signal);
  if (isAsyncIterable(data)) return data[Symbol.asyncIterator]();
  throw new TRPCErrorClass({
    code: 'INTERNAL_SERVER_ERROR',
    message: `Subscription ${path} did not return an observable or a AsyncGenerator`,
  });
}
