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
    continue: base
      .input(z.object({ runId: id, message: z.string().min(1).max(1_000_000) }))
      .mutation(async ({ input, ctx, signal }): Promise<RunOutput> => {
        const run = await ops.continueRun(caller(ctx), { ...input, streamModel: false });
        return run.outcome(signal);
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
  });

  return t.router({ agents, runs, sessions });
}

export type AgentOSRouter<TAgents extends readonly AgentEntry[]> = ReturnType<
  typeof createAgentOSRouter<TAgents>
>;
