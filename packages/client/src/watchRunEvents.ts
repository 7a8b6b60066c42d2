import type { RunEvent } from '@agentmint/core';
import type { AgentMintClientError } from './agentMintClientError.ts';
import type { AgentMintClientErrorCode } from './clientErrorCode.ts';
import { type ReconnectPolicy, reconnectDelayMs } from './reconnectOptions.ts';
import { toClientError } from './toClientError.ts';
import { WATCH_ENDING_EVENTS } from './watchEndingEvents.ts';

/** What a subscription reports; tRPC's callbacks, as far as a watch needs them. */
export interface SubscriptionCallbacks {
  onData(value: unknown): void;
  onError(error: unknown): void;
  onComplete(): void;
  onConnectionStateChange(state: { state: string; error: unknown }): void;
}

/** Opens one `runs.watch` subscription that resumes after `lastEventId` (from the start without). */
export type SubscribeWatch = (
  lastEventId: string | undefined,
  callbacks: SubscriptionCallbacks,
) => { unsubscribe(): void };

export interface WatchRunEventsOptions {
  readonly lastEventId?: string | null | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly reconnect: ReconnectPolicy;
}

/** Failures a new connection may cure: no answer, a proxy's 502/504, an instance going away. */
const TRANSIENT_CODES: ReadonlySet<AgentMintClientErrorCode> = new Set([
  'NETWORK_ERROR',
  'SHUTTING_DOWN',
  'STORE_UNAVAILABLE',
]);

type Step =
  | { readonly kind: 'event'; readonly id: string | undefined; readonly event: RunEvent }
  | { readonly kind: 'ended' }
  | { readonly kind: 'dropped'; readonly error: AgentMintClientError }
  | { readonly kind: 'failed'; readonly error: AgentMintClientError };

const ENDED: Step = { kind: 'ended' };

/**
 * A run's events as an async generator: each connection resumes after the last event received,
 * so nothing is repeated or lost. Ends after a watch-ending event, when the server ends the
 * watch, or cleanly on abort. Network drops reconnect with doubling, capped delays; a server
 * error ends the iteration with its typed error at once, and so does running out of attempts.
 */
export async function* watchRunEvents(
  subscribe: SubscribeWatch,
  options: WatchRunEventsOptions,
): AsyncGenerator<RunEvent, void, undefined> {
  const { signal, reconnect } = options;
  let lastEventId = options.lastEventId ?? undefined;
  let failures = 0;
  while (!signal?.aborted) {
    const connection = connect(subscribe, lastEventId, signal);
    let dropped: AgentMintClientError | undefined;
    try {
      while (dropped === undefined) {
        const step = await connection.next();
        if (step.kind === 'ended') return;
        if (step.kind === 'failed') throw step.error;
        if (step.kind === 'dropped') {
          dropped = step.error;
          continue;
        }
        lastEventId = step.id ?? lastEventId;
        failures = 0;
        yield step.event;
        if (WATCH_ENDING_EVENTS.has(step.event.event)) return;
      }
    } finally {
      connection.close();
    }
    if (++failures > reconnect.maxAttempts) throw dropped;
    await sleep(reconnectDelayMs(reconnect, failures), signal);
  }
}

/** One subscription as a pull queue of steps; `close` unsubscribes (safe to call twice). */
function connect(
  subscribe: SubscribeWatch,
  lastEventId: string | undefined,
  signal: AbortSignal | undefined,
) {
  const queue: Step[] = [];
  let outcome: Step | undefined;
  let wake: (() => void) | undefined;
  let subscription: { unsubscribe(): void } | undefined;
  let closed = false;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const close = () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', notify);
    subscription?.unsubscribe();
  };
  const settle = (step: Step) => {
    outcome ??= step;
    // Unsubscribe now, before the EventSource reconnects on its own with no backoff.
    close();
    notify();
  };
  const failure = (error: unknown) => {
    const clientError = toClientError(error);
    settle({
      kind: TRANSIENT_CODES.has(clientError.code) ? 'dropped' : 'failed',
      error: clientError,
    });
  };
  signal?.addEventListener('abort', notify);
  subscription = subscribe(lastEventId, {
    onData: (value) => {
      if (outcome) return;
      queue.push({ kind: 'event', ...unwrapTracked(value) });
      notify();
    },
    onError: failure,
    onComplete: () => settle(ENDED),
    // tRPC reports a drop (and a server error it deems retryable) as "connecting" with an error.
    onConnectionStateChange: ({ state, error }) => {
      if (state === 'connecting' && error) failure(error);
    },
  });
  if (closed) subscription.unsubscribe();
  return {
    async next(): Promise<Step> {
      while (true) {
        const step = queue.shift() ?? outcome;
        if (step) return step;
        if (signal?.aborted) return ENDED;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    close,
  };
}

/** tRPC hands tracked events over as `{ id, data }`; the id says where to resume. */
function unwrapTracked(value: unknown): { id: string | undefined; event: RunEvent } {
  if (typeof value === 'object' && value !== null && 'id' in value && 'data' in value) {
    const tracked = value as { id: unknown; data: RunEvent };
    return { id: typeof tracked.id === 'string' ? tracked.id : undefined, event: tracked.data };
  }
  return { id: undefined, event: value as RunEvent };
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
