import type { RunEvent, RunOutput } from '@agentmint/core';
import { QueryClient, skipToken } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { createTRPCContext, createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { describe, expectTypeOf, it } from 'vitest';
import { agentLinks } from '../src/index.ts';
import type { TestRouter } from './fixtures.ts';

// What the README's React section shows: the same router type, through tRPC's TanStack Query integration.
const url = 'http://127.0.0.1:7777/trpc';
const trpcClient = createTRPCClient<TestRouter>({
  links: agentLinks({ url, token: async () => 'jwt' }),
});
const trpc = createTRPCOptionsProxy<TestRouter>({
  client: trpcClient,
  queryClient: new QueryClient(),
});

describe('@trpc/tanstack-react-query with an AgentOS router', () => {
  it('types start.mutationOptions() exactly as run', () => {
    const start = trpc.agents['research-agent'].start.mutationOptions();
    const run = trpc.agents['research-agent'].run.mutationOptions();
    expectTypeOf<Parameters<NonNullable<typeof start.mutationFn>>[0]>().toEqualTypeOf<
      Parameters<NonNullable<typeof run.mutationFn>>[0]
    >();
  });

  it('types run.mutationOptions() by the agent’s factoryInput', () => {
    const options = trpc.agents['research-agent'].run.mutationOptions();
    type Variables = Parameters<NonNullable<typeof options.mutationFn>>[0];
    expectTypeOf<Variables['factoryInput']>().toEqualTypeOf<
      | { persona?: 'analyst' | 'advisor' | 'skeptic' | undefined; depth?: number | undefined }
      | undefined
    >();
    expectTypeOf<Awaited<ReturnType<NonNullable<typeof options.mutationFn>>>>().toEqualTypeOf<
      RunOutput<null>
    >();
  });

  it('rejects wrong inputs at compile time', () => {
    type Variables<TOptions extends { mutationFn?: ((...args: never[]) => unknown) | undefined }> =
      Parameters<NonNullable<TOptions['mutationFn']>>[0];
    type Research = Variables<
      ReturnType<(typeof trpc.agents)['research-agent']['run']['mutationOptions']>
    >;
    type Tenant = Variables<
      ReturnType<(typeof trpc.agents)['tenant-agent']['run']['mutationOptions']>
    >;
    // @ts-expect-error persona is an enum
    const wrong: Research = { message: 'x', factoryInput: { persona: 'pirate' } };
    // @ts-expect-error tenant-agent has no schema
    const extra: Tenant = { message: 'x', factoryInput: {} };
    const right: Research = { message: 'x', factoryInput: { persona: 'skeptic' } };
    const plain: Tenant = { message: 'x' };
    void [wrong, extra, right, plain];
  });

  it('types queries, start and the watch subscription too', () => {
    const list = trpc.agents.list.queryOptions();
    expectTypeOf<NonNullable<typeof list.initialData>>().toExtend<unknown>();
    const start = trpc.agents['research-agent'].start.mutationOptions();
    expectTypeOf(start.onSuccess)
      .parameter(0)
      .toEqualTypeOf<{ readonly runId: string; readonly sessionId: string }>();
    const sub = trpc.runs.watch.subscriptionOptions({ runId: 'r1' });
    // Until a start answered, the README's component skips the watch.
    expectTypeOf(trpc.runs.watch.subscriptionOptions(skipToken)).toBeObject();
    expectTypeOf(sub.onData).parameter(0).toExtend<{ id: string; data: RunEvent } | undefined>();
  });

  it('gives React a provider and hook typed by the same router', () => {
    const { TRPCProvider, useTRPC } = createTRPCContext<TestRouter>();
    expectTypeOf(TRPCProvider).toBeFunction();
    expectTypeOf<ReturnType<typeof useTRPC>['agents']['research-agent']['run']>().toEqualTypeOf<
      (typeof trpc)['agents']['research-agent']['run']
    >();
  });
});
