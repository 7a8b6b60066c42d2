import type { AgentEntry, AgentRuntime, RunEvent, RunOutput } from '@agentmint/core';
import { AgentMintError } from '@agentmint/core';
import { tracked } from '@trpc/server';
import type { AgentMintRequestState } from './context.ts';
import { formatEventId, parseEventId } from './lastEventId.ts';
import { runInputParser, streamInputParser } from './runInput.ts';
import type { createBaseProcedure } from './trpc.ts';

type BaseProcedure = ReturnType<typeof createBaseProcedure>;

export interface AgentProcedureDeps {
  readonly runtime: AgentRuntime;
  readonly base: BaseProcedure;
  /** How long a streamed run survives with no subscriber before it is cancelled. */
  readonly resumeGraceMs: number;
}

/** `run` (mutation) and `stream` (subscription) for one agent, typed by that agent's schema. */
export function agentProcedures<TEntry extends AgentEntry>(
  agentId: string,
  deps: AgentProcedureDeps,
) {
  const { runtime, base } = deps;
  return {
    run: base
      .input(runInputParser<TEntry>())
      .mutation(async ({ input, ctx, signal }): Promise<RunOutput> => {
        const state = ctx.agentmint as AgentMintRequestState;
        const run = await runtime.startRun({
          agentId,
          message: input.message,
          caller: state.access.callerFor(input.userId),
          sessionId: input.sessionId,
          factoryInput: input.factoryInput,
          headers: state.headers,
          streamModel: false,
        });
        // A client that gives up on a non-streamed run does not keep the model busy.
        return run.outcome(signal);
      }),

    stream: base.input(streamInputParser<TEntry>()).subscription(async function* ({ input, ctx }) {
      const state = ctx.agentmint as AgentMintRequestState;
      const { access } = state;
      const resume = parseEventId(input.lastEventId);
      let runId = resume?.runId ?? input.runId;
      if (runId === undefined) {
        const run = await runtime.startRun({
          agentId,
          message: input.message,
          caller: access.callerFor(input.userId),
          sessionId: input.sessionId,
          factoryInput: input.factoryInput,
          headers: state.headers,
        });
        runId = run.ids.runId;
      } else {
        // Re-attaching builds no agent; it only needs the right to run this agent and to see the run.
        access.assertCanRun(agentId);
        const record = await runtime.getRun(runId, access.scope);
        if (record.agentId !== agentId) {
          throw new AgentMintError('RUN_NOT_FOUND', `No run '${runId}' for agent '${agentId}'`);
        }
      }
      const events = runtime.events(runId, {
        afterSeq: resume?.seq ?? 0,
        scope: access.scope,
        cancelAfterMs: deps.resumeGraceMs,
      });
      for await (const event of events) {
        yield tracked(formatEventId(runId, event.seq), event as RunEvent);
      }
    }),
  };
}

export type AgentProcedures<TEntry extends AgentEntry> = ReturnType<typeof agentProcedures<TEntry>>;
