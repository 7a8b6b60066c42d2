import type { AgentEntry, AgentRuntime, RunOutput, SessionRecord } from '@agentmint/core';
import { AgentNotFoundError, toRunOutput } from '@agentmint/core';
import { z } from 'zod';
import type { AgentInfo } from './agentInfo.ts';
import { type AgentProcedures, agentProcedures } from './agentProcedures.ts';
import type { AgentMintRequestState } from './context.ts';
import { type createBaseProcedure, t } from './trpc.ts';

/** The id an entry is registered under, as a literal when the code gave one. */
type EntryId<TEntry> = TEntry extends { readonly id: infer TId extends string } ? TId : never;

/** `agents[<id>]` for every registered agent, keyed by its literal id. */
export type AgentProcedureRecord<TAgents extends readonly AgentEntry[]> = {
  [TEntry in TAgents[number] as EntryId<TEntry>]: AgentProcedures<TEntry>;
};

export interface AgentOSRouterDeps {
  readonly runtime: AgentRuntime;
  readonly infos: ReadonlyMap<string, AgentInfo>;
  readonly base: ReturnType<typeof createBaseProcedure>;
  readonly resumeGraceMs: number;
}

const id = z.string().min(1).max(200);

/** Builds the AgentOS router: agents (list, get, per-agent run/stream), runs and sessions. */
export function createAgentOSRouter<const TAgents extends readonly AgentEntry[]>(
  deps: AgentOSRouterDeps,
) {
  const { runtime, infos, base } = deps;
  const perAgent: Record<string, unknown> = {};
  for (const agentId of runtime.agents.keys())
    perAgent[agentId] = t.router(agentProcedures(agentId, deps));
  const state = (ctx: { agentmint?: AgentMintRequestState | undefined }) =>
    ctx.agentmint as AgentMintRequestState;

  const agents = t.router({
    ...(perAgent as AgentProcedureRecord<TAgents>),
    list: base.query(({ ctx }): AgentInfo[] => {
      const { access } = state(ctx);
      return [...infos.values()].filter((info) => access.canReadAgent(info.id));
    }),
    get: base.input(z.object({ agentId: id })).query(({ input, ctx }): AgentInfo => {
      const info = infos.get(input.agentId);
      if (!info || !state(ctx).access.canReadAgent(input.agentId)) {
        throw new AgentNotFoundError(input.agentId);
      }
      return info;
    }),
  });

  const runs = t.router({
    get: base
      .input(z.object({ runId: id, agentId: id.optional() }))
      .query(async ({ input, ctx }): Promise<RunOutput> => {
        const { access } = state(ctx);
        access.require('sessions:read');
        return toRunOutput(await runtime.getRun(input.runId, access.scope, input.agentId));
      }),
    cancel: base
      .input(z.object({ runId: id, agentId: id.optional() }))
      .mutation(async ({ input, ctx }): Promise<RunOutput> => {
        const { access } = state(ctx);
        const record = await runtime.getRun(input.runId, access.scope, input.agentId);
        access.assertCanRun(record.agentId);
        return toRunOutput(await runtime.cancelRun(input.runId, access.scope, input.agentId));
      }),
    continue: base
      .input(z.object({ runId: id, message: z.string().min(1).max(1_000_000) }))
      .mutation(async ({ input, ctx, signal }): Promise<RunOutput> => {
        const { access, headers } = state(ctx);
        const run = await runtime.continueRun({
          runId: input.runId,
          message: input.message,
          caller: access.callerFor(),
          headers,
          streamModel: false,
        });
        return run.outcome(signal);
      }),
  });

  const sessions = t.router({
    list: base
      .input(
        z
          .object({
            agentId: id.optional(),
            limit: z.number().int().min(1).max(1000).optional(),
            offset: z.number().int().min(0).optional(),
          })
          .optional(),
      )
      .query(({ input, ctx }): Promise<SessionRecord[]> => {
        const { access } = state(ctx);
        access.require('sessions:read');
        return runtime.listSessions(
          {
            ...(input?.agentId !== undefined && { agentId: input.agentId }),
            ...(input?.limit !== undefined && { limit: input.limit }),
            ...(input?.offset !== undefined && { offset: input.offset }),
          },
          access.scope,
        );
      }),
    get: base
      .input(z.object({ sessionId: id }))
      .query(async ({ input, ctx }): Promise<{ session: SessionRecord; runs: RunOutput[] }> => {
        const { access } = state(ctx);
        access.require('sessions:read');
        const found = await runtime.getSession(input.sessionId, access.scope);
        return { session: found.session, runs: found.runs.map(toRunOutput) };
      }),
    delete: base.input(z.object({ sessionId: id })).mutation(async ({ input, ctx }) => {
      const { access } = state(ctx);
      access.require('sessions:delete');
      await runtime.deleteSession(input.sessionId, access.scope);
      return { deleted: true as const };
    }),
    rename: base
      .input(z.object({ sessionId: id, name: z.string().min(1).max(500) }))
      .mutation(({ input, ctx }): Promise<SessionRecord> => {
        const { access } = state(ctx);
        access.require('sessions:write');
        return runtime.renameSession(input.sessionId, input.name, access.scope);
      }),
  });

  return t.router({ agents, runs, sessions });
}

export type AgentOSRouter<TAgents extends readonly AgentEntry[]> = ReturnType<
  typeof createAgentOSRouter<TAgents>
>;
