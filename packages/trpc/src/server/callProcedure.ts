import type { AnyTRPCProcedure } from '@trpc/server';
import {
  getTRPCErrorFromUnknown,
  middlewareMarker,
  type ProcedureCallOptions,
  TRPCError,
} from '@trpc/server/unstable-core-do-not-import';

type MiddlewareResult =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly error: TRPCError };

type CallOptions = ProcedureCallOptions<unknown> & { readonly input?: unknown };

interface NextOptions {
  readonly ctx?: object;
  readonly input?: unknown;
  readonly getRawInput?: () => Promise<unknown>;
}

type Middleware = (
  opts: CallOptions & { meta: unknown; next(nextOpts?: NextOptions): Promise<MiddlewareResult> },
) => Promise<MiddlewareResult>;

/** What tRPC keeps on a built procedure (`procedure._def`), as far as calling it goes. */
interface ProcedureDef {
  readonly middlewares?: readonly Middleware[];
  readonly meta?: unknown;
  /** Set when the procedure has its own caller (`experimental_caller`): called as it is. */
  readonly caller?: unknown;
  readonly experimental_caller?: boolean;
}

/**
 * Calls a tRPC procedure exactly as `procedure(opts)` does (tRPC's `callRecursive`): every
 * middleware in order, each given a fresh copy of the options with `meta`, `input` and `next`;
 * `next({ ctx, input, getRawInput })` merges them in the same way; a throw becomes a failed
 * result; the data, or the error, comes out the same. The copies are native object spreads: tRPC's
 * bundle copies with its `_objectSpread2` helper (a `defineProperty` per key), which was 6% of a
 * tRPC call's CPU. A procedure with its own caller is called as it is.
 */
export async function callProcedure(
  procedure: AnyTRPCProcedure,
  opts: ProcedureCallOptions<unknown>,
): Promise<unknown> {
  const def = procedure._def as ProcedureDef;
  const middlewares = def.middlewares;
  if (def.caller !== undefined || def.experimental_caller || !middlewares) return procedure(opts);
  const { meta } = def;
  const call = async (index: number, callOpts: CallOptions): Promise<MiddlewareResult> => {
    try {
      const middleware = middlewares[index] as Middleware;
      return await middleware({
        ...callOpts,
        meta,
        input: callOpts.input,
        next: (nextOpts) =>
          call(index + 1, {
            ...callOpts,
            ctx: nextOpts?.ctx ? { ...(callOpts.ctx as object), ...nextOpts.ctx } : callOpts.ctx,
            input: nextOpts && 'input' in nextOpts ? nextOpts.input : callOpts.input,
            getRawInput: nextOpts?.getRawInput ?? callOpts.getRawInput,
          }),
      });
    } catch (cause) {
      return {
        ok: false,
        error: getTRPCErrorFromUnknown(cause),
        marker: middlewareMarker,
      } as MiddlewareResult;
    }
  };
  const result = await call(0, opts);
  if (!result) {
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'No result from middlewares - did you forget to `return next()`?',
    });
  }
  if (!result.ok) throw result.error;
  return result.data;
}
