import type { AnyTRPCProcedure } from '@trpc/server';
import {
  getParseFn,
  getTRPCErrorFromUnknown,
  isObject,
  isPromise,
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

type Middleware = ((
  opts: CallOptions & { meta: unknown; next(nextOpts?: NextOptions): Promise<MiddlewareResult> },
) => Promise<MiddlewareResult>) & { readonly _type?: string };

type Resolver = (opts: CallOptions & { meta: unknown; next: unknown }) => unknown;

/** What tRPC keeps on a built procedure (`procedure._def`), as far as calling it goes. */
interface ProcedureDef {
  readonly middlewares?: readonly Middleware[];
  readonly meta?: unknown;
  /** Set when the procedure has its own caller (`experimental_caller`): called as it is. */
  readonly caller?: unknown;
  readonly experimental_caller?: boolean;
  /** The parsers of `.input()`, in the order of their input middlewares. */
  readonly inputs?: readonly unknown[];
  /** The procedure's own function, which its last middleware (`resolveMiddleware`) awaits. */
  readonly resolver?: Resolver;
}

/**
 * One middleware of a procedure as it is called here: tRPC's own input and resolve middlewares
 * are done in place (the same steps, results and errors, without their copies of the options
 * and their `next` closures); any other is called as tRPC calls it.
 */
type Step =
  | { readonly kind: 'middleware'; readonly middleware: Middleware }
  | { readonly kind: 'input'; readonly parse: (value: unknown) => unknown }
  | { readonly kind: 'resolve'; readonly resolver: Resolver };

const stepsOf = new WeakMap<ProcedureDef, readonly Step[]>();

/** The steps of a procedure, worked out once: tRPC's own middlewares known by their marks. */
function procedureSteps(def: ProcedureDef, middlewares: readonly Middleware[]): readonly Step[] {
  let steps = stepsOf.get(def);
  if (steps) return steps;
  const inputs = def.inputs ?? [];
  const inputMiddlewares = middlewares.filter((middleware) => middleware._type === 'input');
  // Each `.input(parser)` adds one parser and one input middleware; anything else is left alone.
  const pairable = inputMiddlewares.length === inputs.length;
  let nextInput = 0;
  steps = middlewares.map((middleware, index): Step => {
    if (pairable && middleware._type === 'input') {
      return { kind: 'input', parse: getParseFn(inputs[nextInput++] as never) };
    }
    const last = index === middlewares.length - 1;
    if (last && middleware.name === 'resolveMiddleware' && typeof def.resolver === 'function') {
      return { kind: 'resolve', resolver: def.resolver };
    }
    return { kind: 'middleware', middleware };
  });
  stepsOf.set(def, steps);
  return steps;
}

/** A resolver's `next`: as tRPC's, there is no middleware after it (a failed result). */
const NO_NEXT = async (): Promise<MiddlewareResult> =>
  ({
    ok: false,
    error: getTRPCErrorFromUnknown(new TypeError('middleware is not a function')),
    marker: middlewareMarker,
  }) as MiddlewareResult;

/**
 * Calls a tRPC procedure exactly as `procedure(opts)` does (tRPC's `callRecursive`): every
 * middleware in order, each given a fresh copy of the options with `meta`, `input` and `next`;
 * `next({ ctx, input, getRawInput })` merges them in the same way; a throw becomes a failed
 * result; the data, or the error, comes out the same. The copies are native object spreads: tRPC's
 * bundle copies with its `_objectSpread2` helper (a `defineProperty` per key), which was 6% of a
 * tRPC call's CPU. tRPC's input middleware (parse the raw input, merge it, go on) and its final
 * resolve middleware (await the resolver, wrap its data) are done here without a middleware call
 * each. A procedure with its own caller is called as it is.
 */
export async function callProcedure(
  procedure: AnyTRPCProcedure,
  opts: ProcedureCallOptions<unknown>,
): Promise<unknown> {
  const def = procedure._def as ProcedureDef;
  const middlewares = def.middlewares;
  if (def.caller !== undefined || def.experimental_caller || !middlewares) return procedure(opts);
  const { meta } = def;
  const steps = procedureSteps(def, middlewares);
  const call = async (index: number, callOpts: CallOptions): Promise<MiddlewareResult> => {
    try {
      const step = steps[index] as Step;
      if (step.kind === 'input') {
        const rawInput = await callOpts.getRawInput();
        let parsed: unknown;
        try {
          // A sync parser's value is taken as it is: no microtask to wait for it.
          const result = step.parse(rawInput);
          parsed = isPromise(result) ? await result : result;
        } catch (cause) {
          throw new TRPCError({ code: 'BAD_REQUEST', cause });
        }
        const input =
          isObject(callOpts.input) && isObject(parsed) ? { ...callOpts.input, ...parsed } : parsed;
        return await call(index + 1, { ...callOpts, input });
      }
      if (step.kind === 'resolve') {
        const data = await step.resolver({
          ...callOpts,
          meta,
          input: callOpts.input,
          next: NO_NEXT,
        });
        return { marker: middlewareMarker, ok: true, data, ctx: callOpts.ctx } as MiddlewareResult;
      }
      return await step.middleware({
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
