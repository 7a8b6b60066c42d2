import type { RunEvent } from '@agentmint/core';
import { type TrackedEnvelope, tracked } from '@trpc/server';
import { formatEventId } from './lastEventId.ts';
import { endsWatch } from './watchEndingEvents.ts';

/**
 * A watch's events as tRPC tracked envelopes (`<runId>:<seq>` ids), ending after a watch-ending
 * event. A plain iterator, not an async generator: each event costs one promise hop here, not a
 * generator's queue of them. `return` (the client went away) closes `events` as `for await` would.
 */
export function trackedRunEvents(
  runId: string,
  events: AsyncIterator<RunEvent>,
): AsyncIterableIterator<TrackedEnvelope<RunEvent>> {
  let ended = false;
  const finish = (): IteratorReturnResult<undefined> => {
    ended = true;
    return { done: true, value: undefined };
  };
  const close = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!ended) {
      ended = true;
      await events.return?.();
    }
    return { done: true, value: undefined };
  };
  let endNext = false;
  return {
    async next() {
      if (ended) return { done: true, value: undefined };
      if (endNext) return close();
      const next = await events.next().catch((error: unknown) => {
        ended = true;
        throw error;
      });
      if (next.done) return finish();
      const event = next.value;
      // The ending event is the last one sent; the next call closes the source, as `return` in a
      // `for await` would.
      if (endsWatch(event)) endNext = true;
      return { done: false, value: tracked(formatEventId(runId, event.seq), event) };
    },
    return: close,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
