import type { RunEvent } from '@agentmint/client';
import { queryOptions, experimental_streamedQuery as streamedQuery } from '@tanstack/react-query';
import { agentClient, type StreamRequest, streamRun } from './api.ts';

/** One message sent from the chat: the inputs of a run, not its state (TanStack Query holds that). */
export interface Turn {
  readonly key: string;
  readonly agentId: string;
  readonly request: StreamRequest;
}

/** A stream that starts or continues a run must never run twice: its query is never refetched. */
const NEVER_REFETCHED = {
  staleTime: Number.POSITIVE_INFINITY,
  gcTime: Number.POSITIVE_INFINITY,
  retry: false,
  refetchOnMount: false,
  refetchOnReconnect: false,
  refetchOnWindowFocus: false,
} as const;

/**
 * A run as a streamed query: its data is every event so far, in order. Never refetched (that
 * would start a second run); a dropped connection is watched again inside the client's stream.
 */
export function runQueryOptions(turn: Turn) {
  return queryOptions({
    queryKey: ['agentmint-run', turn.key],
    queryFn: streamedQuery<RunEvent>({
      streamFn: ({ signal }) => streamRun(turn.agentId, turn.request, signal),
    }),
    ...NEVER_REFETCHED,
  });
}

/** A decision on one tool call a paused run waits on (approve, reject, or an external result). */
export interface ToolDecision {
  readonly toolCallId: string;
  readonly confirmed: boolean;
  readonly result?: string;
}

/** Continuing a paused run: its id, the seq of its RunPaused, and the decisions sent. */
export interface Continuation {
  readonly key: string;
  readonly runId: string;
  readonly pausedSeq: number;
  readonly tools: readonly ToolDecision[];
}

/**
 * A paused run's next segment as a streamed query: continue it (a POST, detached), then watch its
 * events after the pause. Like a run, never refetched: a second continue would be refused (409).
 */
export function continuationQueryOptions(continuation: Continuation) {
  return queryOptions({
    queryKey: ['agentmint-continue', continuation.key],
    queryFn: streamedQuery<RunEvent>({
      streamFn: async function* ({ signal }) {
        const { runId, pausedSeq, tools } = continuation;
        await agentClient.runs.continueStart({ runId, tools: [...tools] }, { signal });
        yield* agentClient.runs.watch({ runId, lastEventId: `${runId}:${pausedSeq}` }, { signal });
      },
    }),
    ...NEVER_REFETCHED,
  });
}
