import { initTRPC, TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callProcedure } from '../src/server/callProcedure.ts';

const t = initTRPC
  .context<{ user?: string; trace?: string[] }>()
  .meta<{ label: string }>()
  .create();
const seen: unknown[] = [];
const withUser = t.procedure.use(async ({ next, meta, path, type }) => {
  seen.push({ meta, path, type });
  const result = await next({ ctx: { user: 'ada' } });
  return result;
});
const procedures = {
  echo: withUser
    .input(z.object({ a: z.number() }))
    .input(z.object({ b: z.string() }))
    .use(async ({ next, input, getRawInput }) =>
      next({ input: { ...input, raw: await getRawInput() } }),
    )
    .query(({ ctx, input }) => ({ ctx, input })),
  fails: withUser.mutation(() => {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'no' });
  }),
  forgetsNext: t.procedure.use((async () => undefined) as never).query(() => 1),
  // An async refinement: zod's sync parse throws, tRPC's parse function goes async from then on.
  slowCheck: t.procedure
    .meta({ label: 'slow' })
    .input(z.object({ n: z.number() }).refine(async ({ n }) => n > 0, 'n must be positive'))
    .mutation((opts) => ({
      input: opts.input,
      // Given at run time, as tRPC gives it, though the resolver's type leaves it out.
      meta: (opts as typeof opts & { meta?: unknown }).meta,
      keys: Object.keys(opts).sort(),
    })),
  noInput: t.procedure.query(({ input }) => ({ input: input ?? 'none' })),
};

function opts(path: string, type: 'query' | 'mutation', raw: unknown) {
  return {
    path,
    type,
    ctx: { trace: ['x'] },
    getRawInput: async () => raw,
    signal: undefined,
    batchIndex: 0,
  };
}

describe('callProcedure calls a procedure as procedure(opts) does', () => {
  it('passes the same options, merged ctx and merged inputs through every middleware', async () => {
    const raw = { a: 1, b: 'two' };
    seen.length = 0;
    const theirs = await procedures.echo(opts('echo', 'query', raw));
    const ours = await callProcedure(procedures.echo, opts('echo', 'query', raw));
    expect(ours).toEqual(theirs);
    expect(ours).toEqual({ ctx: { trace: ['x'], user: 'ada' }, input: { a: 1, b: 'two', raw } });
    expect(seen[1]).toEqual(seen[0]);
  });

  it('throws the same errors: a thrown TRPCError, a bad input, no result', async () => {
    const failure = async (call: () => Promise<unknown>) => call().catch((error: unknown) => error);
    for (const [procedure, type, raw] of [
      [procedures.fails, 'mutation', undefined],
      [procedures.echo, 'query', { a: 'not a number' }],
      [procedures.forgetsNext, 'query', undefined],
    ] as const) {
      const theirs = await failure(() => procedure(opts('p', type, raw)));
      const ours = await failure(() => callProcedure(procedure, opts('p', type, raw)));
      expect(ours).toBeInstanceOf(TRPCError);
      expect((ours as TRPCError).code).toBe((theirs as TRPCError).code);
      expect((ours as TRPCError).message).toBe((theirs as TRPCError).message);
    }
  });

  it('parses inputs (sync or async parsers) and calls the resolver with the same options', async () => {
    for (const [procedure, type, raw] of [
      [procedures.slowCheck, 'mutation', { n: 2 }],
      [procedures.slowCheck, 'mutation', { n: 3 }],
      [procedures.noInput, 'query', undefined],
    ] as const) {
      const theirs = await procedure(opts('p', type, raw));
      const ours = await callProcedure(procedure, opts('p', type, raw));
      expect(ours).toEqual(theirs);
    }
    expect(await callProcedure(procedures.slowCheck, opts('p', 'mutation', { n: 2 }))).toEqual({
      input: { n: 2 },
      meta: { label: 'slow' },
      keys: ['batchIndex', 'ctx', 'getRawInput', 'input', 'meta', 'next', 'path', 'signal', 'type'],
    });
  });

  it('fails a bad input as BAD_REQUEST caused by the parser error, as tRPC does', async () => {
    const failure = async (call: () => Promise<unknown>) => call().catch((error: unknown) => error);
    const raw = { n: -1 };
    const theirs = await failure(() => procedures.slowCheck(opts('p', 'mutation', raw)));
    const ours = await failure(() =>
      callProcedure(procedures.slowCheck, opts('p', 'mutation', raw)),
    );
    expect(ours).toBeInstanceOf(TRPCError);
    expect((ours as TRPCError).code).toBe('BAD_REQUEST');
    expect((ours as TRPCError).code).toBe((theirs as TRPCError).code);
    expect((ours as TRPCError).message).toBe((theirs as TRPCError).message);
    expect((ours as TRPCError).cause?.constructor).toBe((theirs as TRPCError).cause?.constructor);
  });
});
