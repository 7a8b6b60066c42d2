import type { RunEvent } from '@agentmint/core';
import type { AgentMintClientError } from './agentMintClientError.ts';
import { toClientError } from './toClientError.ts';

/** What a subscription reports; tRPC's callbacks, as far as the stream needs them. */
export interface SubscriptionCallbacks {
  onData(value: unknown): void;
  onError(error: unknown): void;
  onComplete(): void;
  onConnectionStateChange(state: { state: string; error: unknown }): void;
}

export type Subscribe = (callbacks: SubscriptionCallbacks) => { unsubscribe(): void };

const TERMINAL_EVENTS: ReadonlySet<string> = new Set(['RunCompleted', 'RunError', 'RunCancelled']);

/**
 * Bridges a tRPC subscription to an async generator of run events: unwraps `tracked` envelopes,
 * stops after the terminal event, ends cleanly on abort and unsubscribes however it ends.
 * Network drops stay inside the link (it reconnects with lastEventId); server errors end it.
 */
export async function* runEventStream(
  subscribe: Subscribe,
  signal: AbortSignal | undefined,
): AsyncGenerator<RunEvent, void, undefined> {
  if (signal?.aborted) return;
  const queue: RunEvent[] = [];
  let failure: AgentMintClientError | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const fail = (error: unknown) => {
    failure ??= toClientError(error);
    ended = true;
    notify();
  };
  const subscription = subscribe({
    onData: (value) => {
      queue.push(unwrapTracked(value));
      notify();
    },
    onError: fail,
    onComplete: () => {
      ended = true;
      notify();
    },
    onConnectionStateChange: ({ state, error }) => {
      // tRPC retries 5xx server errors forever; for a run that would rebuild the agent each time.
      if (state === 'connecting' && hasServerData(error)) fail(error);
    },
  });
  signal?.addEventListener('abort', notify);
  try {
    while (!signal?.aborted) {
      const event = queue.shift();
      if (event) {
        yield event;
        if (TERMINAL_EVENTS.has(event.event)) return;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    subscription.unsubscribe();
  }
}

/** tRPC hands tracked events over as `{ id, data }`; the id is the link's business (resume). */
function unwrapTracked(value: unknown): RunEvent {
  if (typeof value === 'object' && value !== null && 'id' in value && 'data' in value) {
    return (value as { data: RunEvent }).data;
  }
  return value as RunEvent;
}

function hasServerData(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'data' in error && Boolean(error.data);
}
