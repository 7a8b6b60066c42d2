import type { AgentEntry } from '@agentmint/core';
import type { AgentMintRequestState } from './context.ts';
import type { AgentOperations } from './operations/agentOperations.ts';
import type { StartRunInput } from './operations/operationRequests.ts';
import { type RunEnvelope, runInputParser } from './runInput.ts';
import type { AgentRunOutput } from './runOutputType.ts';
import type { createBaseProcedure } from './trpc.ts';

type BaseProcedure = ReturnType<typeof createBaseProcedure>;

export interface AgentProcedureDeps {
  readonly operations: AgentOperations;
  readonly base: BaseProcedure;
}

/** What `agents[id].start` answers: the ids to watch (`runs.watch`) or cancel the run with. */
export interface StartedRun {
  readonly runId: string;
  readonly sessionId: string;
}

/**
 * `run` (to completion) and `start` (detached; follow it with `runs.watch`) for one agent, both
 * mutations typed by that agent's schema.
 */
export function agentProcedures<TEntry extends AgentEntry>(
  agentId: string,
  deps: AgentProcedureDeps,
) {
  const { operations: ops, base } = deps;
  return {
    run: base
      .input(runInputParser<TEntry>())
      .mutation(async ({ input, ctx, signal }): Promise<AgentRunOutput<TEntry>> => {
        const run = await ops.startRun(ctx.agentmint as AgentMintRequestState, {
          ...startInput(agentId, input),
          streamModel: false,
        });
        // A client that gives up on a non-streamed run does not keep the model busy.
        // The runtime validated `output` against this agent's schema before the run completed.
        return (await run.outcome(signal)) as AgentRunOutput<TEntry>;
      }),

    // Starting is a POST only: no GET (query or subscription) ever starts a run.
    start: base
      .input(runInputParser<TEntry>())
      .mutation(async ({ input, ctx }): Promise<StartedRun> => {
        // Detached: the run outlives this request and every watcher; `runs.cancel` stops it.
        const run = await ops.startRun(
          ctx.agentmint as AgentMintRequestState,
          startInput(agentId, input),
        );
        return { runId: run.ids.runId, sessionId: run.ids.sessionId };
      }),
  };
}

/** A run's envelope as the operations layer takes it. */
function startInput(agentId: string, input: RunEnvelope): StartRunInput {
  return {
    agentId,
    message: input.message,
    userId: input.userId,
    sessionId: input.sessionId,
    factoryInput: input.factoryInput,
    attachments: input.attachments,
  };
}

export type AgentProcedures<TEntry extends AgentEntry> = ReturnType<typeof agentProcedures<TEntry>>;
