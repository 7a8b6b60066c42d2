import type { RunEvent } from '@agentmint/client';
import { queryOptions, experimental_streamedQuery as streamedQuery } from '@tanstack/react-query';
import { type StreamRequest, streamRun } from './api.ts';

/** One message sent from the chat: the inputs of a run, not its state (TanStack Query holds that). */
export interface Turn {
  readonly key: string;
  readonly agentId: string;
  readonly request: StreamRequest;
}

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
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: false,
    refetchOnMount: false,
    refetchOnReconnect: false,
    refetchOnWindowFocus: false,
  });
}
