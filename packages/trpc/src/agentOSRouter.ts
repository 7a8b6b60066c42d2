import type { AgentEntry, RunOutput, SessionRecord } from '@agentmint/core';
import { toRunOutput } from '@agentmint/core';
import { z } from 'zod';
import type { AgentInfo } from './agentInfo.ts';
import { type AgentProcedures, agentProcedures } from './agentProcedures.ts';
import type { AgentMintRequestState } from './context.ts';
import type { AgentOperations } from './operations/agentOperations.ts';
import { runWatchProcedure } from './runWatch.ts';
import { type createBaseProcedure, t } from './trpc.ts';

/** The id an entry is registered under, as a literal when the code gave one. */
type EntryId<TEntry> = TEntry extends { readonly id: infer TId extends string } ? TId : never;

/** `agents[<id>]` for every registered agent, keyed by its literal id. */
export type AgentProcedureRecord<TAgents extends readonly AgentEntry[]> = {
  [TEntry in TAgents[number] as EntryId<TEntry>]: AgentProcedures<TEntry>;
};

export interface AgentOSRouterDeps {
  readonly operations: AgentOperations;
  readonly agentIds: Iterable<string>;
  readonly base: ReturnType<typeof createBaseProcedure>;
  /** Cancel a run once its last tRPC watcher has been gone this long; undefined never does. */
  readonly resumeGraceMs: number | undefined;
}

// Ids are only typed here: their limits are the operations layer's, the same on every transport.
const id = z.string();

/**
 * Builds the AgentOS router: agents (list, get, per-agent run/start), runs (get, watch, cancel,
 * continue) and sessions. Each procedure translates its input to the operations layer, which
 * does every check.
 */
export function createAgentOSRouter<const TAgents extends readonly AgentEntry[]>(
  deps: AgentOSRouterDeps,
) {
  const { operations: ops, base } = deps;
  const perAgent: Record<string, unknown> = {};
  for (const agentId of deps.agentIds) perAgent[agentId] = t.router(agentProcedures(agentId, deps));
  const caller = (ctx: { agentmint?: AgentMintRequestState | undefined }) =>
    ctx.agentmint as AgentMintRequestState;

  const agents = t.router({
    ...(perAgent as AgentProcedureRecord<TAgents>),
    list: base.query(({ ctx }): AgentInfo[] => ops.listAgents(caller(ctx))),
    get: base
      .input(z.object({ agentId: id }))
      .query(({ input, ctx }): AgentInfo => ops.getAgent(caller(ctx), input)),
  });

  const runRef = z.object({ runId: id, agentId: id.optional() });
  const continueInput = runRef.extend({
    /** Decisions for a PAUSED run's pending calls: `confirmed`, or `result` for external tools. */
    tools: z
      .array(
        z.object({
          toolCallId: id,
          confirmed: z.boolean().optional(),
          confirmationNote: z.string().optional(),
          result: z.string().optional(),
        }),
      )
      .optional(),
    /** A new user message: required for a COMPLETED run. */
    input: z.string().max(1_000_000).optional(),
    /** Go on in a sibling run (new id, same session) and leave this one as it is. */
    fork: z.boolean().optional(),
  });

  const runs = t.router({
    get: base
      .input(runRef)
      .query(
        async ({ input, ctx }): Promise<RunOutput> =>
          toRunOutput(await ops.getRun(caller(ctx), input)),
      ),
    watch: runWatchProcedure({ operations: ops, base, cancelAfterMs: deps.resumeGraceMs }),
    cancel: base
      .input(runRef)
      .mutation(
        async ({ input, ctx }): Promise<RunOutput> =>
          toRunOutput(await ops.cancelRun(caller(ctx), input)),
      ),
    // Agno's continue (HITL): resolves with the run's outcome, which may be PAUSED again.
    continue: base
      .input(continueInput)
      .mutation(async ({ input, ctx, signal }): Promise<RunOutput> => {
        const run = await ops.continueRun(caller(ctx), { ...input, streamModel: false });
        return run.outcome(signal);
      }),
    // The same, detached: the ids at once, to pair with `runs.watch`; the run goes on regardless.
    continueStart: base
      .input(continueInput)
      .mutation(async ({ input, ctx }): Promise<{ runId: string; sessionId: string }> => {
        const run = await ops.continueRun(caller(ctx), input);
        return { runId: run.ids.runId, sessionId: run.ids.sessionId };
      }),
  });

  const sessions = t.router({
    list: base
      .input(
        z
          .object({
            agentId: id.optional(),
            limit: z.number().optional(),
            offset: z.number().optional(),
          })
          .optional(),
      )
      .query(({ input, ctx }): Promise<SessionRecord[]> => ops.listSessions(caller(ctx), input)),
    get: base
      .input(z.object({ sessionId: id }))
      .query(async ({ input, ctx }): Promise<{ session: SessionRecord; runs: RunOutput[] }> => {
        const found = await ops.getSession(caller(ctx), input);
        return { session: found.session, runs: found.runs.map(toRunOutput) };
      }),
    delete: base.input(z.object({ sessionId: id })).mutation(async ({ input, ctx }) => {
      await ops.deleteSession(caller(ctx), input);
      return { deleted: true as const };
    }),
    rename: base
      .input(z.object({ sessionId: id, name: z.string() }))
      .mutation(({ input, ctx }): Promise<SessionRecord> => ops.renameSession(caller(ctx), input)),
    /** A new session with copies of the session's finished and paused runs (`forkedFromSessionId`). */
    fork: base
      .input(z.object({ sessionId: id, name: z.string().optional() }))
      .mutation(({ input, ctx }): Promise<SessionRecord> => ops.forkSession(caller(ctx), input)),
  });

  return t.router({ agents, runs, sessions });
}

export type AgentOSRouter<TAgents extends readonly AgentEntry[]> = ReturnType<
  typeof createAgentOSRouter<TAgents>
>;
