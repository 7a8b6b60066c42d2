import { AgentMintError } from '@agentmint/core';
import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { AgentMintRequestState, AgentOSContext } from './context.ts';
import { TRPC_CODE_BY_STATUS, toPublicError, toTRPCError } from './errorMapping.ts';
import { isUnknownProcedure, unknownProcedureError } from './unknownProcedure.ts';
import { wireTransformer } from './wireTransformer.ts';

// 1. context → 2. init → 3. base procedures (the tRPC layout hosts know).

/** Error data every AgentMint procedure adds to tRPC's shape; clients read `agentmintCode`. */
export interface AgentMintErrorData {
  readonly agentmintCode: string;
  readonly issues?: readonly {
    readonly path: readonly (string | number)[];
    readonly message: string;
    readonly code: string;
  }[];
  readonly retryAfterSeconds?: number;
}

export const t = initTRPC.context<AgentOSContext>().create({
  // superjson on the wire; its serializer takes a one-pass path for plain records (same bytes).
  transformer: wireTransformer,
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 30_000 },
  },
  errorFormatter({ shape, error: raw, path }) {
    const unknown = isUnknownProcedure(raw);
    const error = unknown ? toTRPCError(unknownProcedureError(path)) : raw;
    const info = toPublicError(error);
    const {
      stack: _stack,
      path: _path,
      ...data
    } = shape.data as typeof shape.data & { stack?: string };
    // An unknown path is not echoed back (it may be 6,000 characters); the message names it, cut.
    if (!unknown) Object.assign(data, { path: _path });
    const extra: AgentMintErrorData = {
      agentmintCode: info.code,
      ...(info.issues && { issues: info.issues }),
      ...(info.retryAfterSeconds !== undefined && { retryAfterSeconds: info.retryAfterSeconds }),
    };
    if (!(error.cause instanceof AgentMintError)) {
      return { ...shape, message: info.message, data: { ...data, ...extra } };
    }
    // A throw inside a subscription's generator reaches here as INTERNAL_SERVER_ERROR; without
    // this, SSE clients see a 403 as a 500 and tRPC's link retries it (re-running the factory).
    const code = TRPC_CODE_BY_STATUS[info.httpStatus] ?? 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      message: info.message,
      data: { ...data, code, httpStatus: info.httpStatus, ...extra },
    };
  },
});

/** Resolves the request's access once per context (a batch shares it) and maps every error. */
export function createBaseProcedure(
  authenticate: (headers: Headers) => Promise<AgentMintRequestState>,
) {
  const states = new WeakMap<object, Promise<AgentMintRequestState>>();
  return t.procedure.use(async ({ ctx, next }) => {
    // Already authenticated (`agentOS.createContext`, or the node path without auth): the context
    // goes on as it is, not copied.
    if (ctx.agentmint) return mapped(await next());
    const headers = ctx.headers ?? ctx.req?.headers ?? new Headers();
    let pending = states.get(ctx);
    if (!pending) {
      pending = authenticate(headers);
      states.set(ctx, pending);
    }
    let state: AgentMintRequestState;
    try {
      state = await pending;
    } catch (error) {
      throw toTRPCError(error);
    }
    return mapped(await next({ ctx: { ...ctx, agentmint: state } }));
  });
}

/** A failed call's error as AgentMint maps it (status, code, public message). */
function mapped<TResult extends { ok: boolean; error?: unknown }>(result: TResult): TResult {
  if (!result.ok) throw toTRPCError(result.error);
  return result;
}
