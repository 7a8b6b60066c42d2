import { AgentMintError, MAX_ID_LENGTH } from '@agentmint/core';
import { z } from 'zod';
import type { AgentMintRequestState } from './context.ts';
import { parseEventId } from './lastEventId.ts';
import type { AgentOperations } from './operations/agentOperations.ts';
import { trackedRunEvents } from './trackedRunEvents.ts';
import type { createBaseProcedure } from './trpc.ts';

/** Input of `runs.watch`. */
export interface WatchInput {
  readonly runId: string;
  /** When given, the run must belong to this agent. */
  readonly agentId?: string | undefined;
  /** `<runId>:<seq>` of the last event received; tRPC's SSE link sets it on every reconnect. */
  readonly lastEventId?: string | null | undefined;
}

export interface RunWatchDeps {
  readonly operations: AgentOperations;
  readonly base: ReturnType<typeof createBaseProcedure>;
  /** Cancel a run once its last watcher here has been gone this long; undefined never does. */
  readonly cancelAfterMs: number | undefined;
}

// Ids are only typed here: their limits are the operations layer's, the same on every transport.
const watchInput = z.object({
  runId: z.string(),
  agentId: z.string().optional(),
  // `<runId>:<seq>`: an id, a colon and an integer.
  lastEventId: z
    .string()
    .max(MAX_ID_LENGTH + 32)
    .nullish(),
});

/**
 * `runs.watch`: a run's stored events after `lastEventId`, then live ones (from any instance
 * sharing the store) until the run ends or pauses. Safe to repeat: it never starts anything.
 */
export function runWatchProcedure(deps: RunWatchDeps) {
  return deps.base
    .input(watchInput as z.ZodType<z.output<typeof watchInput>, WatchInput>)
    .subscription(async ({ input, ctx, signal }) => {
      const afterSeq = resumeAfter(input.runId, input.lastEventId);
      const events = await deps.operations.watchRun(ctx.agentmint as AgentMintRequestState, {
        runId: input.runId,
        agentId: input.agentId,
        afterSeq,
        ...(deps.cancelAfterMs !== undefined && { cancelAfterMs: deps.cancelAfterMs }),
        ...(signal && { signal }),
      });
      return trackedRunEvents(input.runId, events);
    });
}

/** The seq to resume after; a lastEventId of another run is a client bug, not a fresh start. */
function resumeAfter(runId: string, lastEventId: string | null | undefined): number {
  if (!lastEventId) return 0;
  const resume = parseEventId(lastEventId);
  if (!resume || resume.runId !== runId) {
    throw new AgentMintError('BAD_REQUEST', '`lastEventId` must be `<runId>:<seq>` of this run');
  }
  return resume.seq;
}
