import type { AgentEntry, RunEvent } from '@agentmint/core';
import { tracked } from '@trpc/server';
import type { AgentMintRequestState } from './context.ts';
import { formatEventId, parseEventId } from './lastEventId.ts';
import type { AgentOperations } from './operations/agentOperations.ts';
import type { StartRunInput } from './operations/operationRequests.ts';
import { type RunEnvelope, runInputParser, streamInputParser } from './runInput.ts';
import type { AgentRunOutput } from './runOutputType.ts';
import type { createBaseProcedure } from './trpc.ts';

type BaseProcedure = ReturnType<typeof createBaseProcedure>;

export interface AgentProcedureDeps {
  readonly operations: AgentOperations;
  readonly base: BaseProcedure;
  /** How long a streamed run survives with no subscriber before it is cancelled. */
  readonly resumeGraceMs: number;
}

/** `run` (mutation) and `stream` (subscription) for one agent, typed by that agent's schema. */
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

    stream: base.input(streamInputParser<TEntry>()).subscription(async function* ({ input, ctx }) {
      const caller = ctx.agentmint as AgentMintRequestState;
      const resume = parseEventId(input.lastEventId);
      let runId = resume?.runId ?? input.runId;
      if (runId === undefined) {
        const run = await ops.startRun(caller, startInput(agentId, input));
        runId = run.ids.runId;
      }
      // Re-attaching builds no agent; it needs the right to run this agent and to see the run.
      const events = await ops.watchRun(caller, {
        runId,
        agentId,
        afterSeq: resume?.seq ?? 0,
        cancelAfterMs: deps.resumeGraceMs,
      });
      for await (const event of events) {
        yield tracked(formatEventId(runId, event.seq), event as RunEvent);
      }
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
