import type { RunEvent, RunOutput } from '@agentmint/core';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
import type { StartedRun, WatchInput } from '../src/index.ts';
import type { seedOS } from './fixtures.ts';

type Router = ReturnType<typeof seedOS>['os']['router'];
type Inputs = inferRouterInputs<Router>;
type Outputs = inferRouterOutputs<Router>;

describe('router types', () => {
  it('keys agents by their literal ids, plain agents included', () => {
    expectTypeOf<keyof Inputs['agents']>().toEqualTypeOf<
      'tenant-agent' | 'research-agent' | 'workspace-agent' | 'plain-agent' | 'list' | 'get'
    >();
  });

  it('types factoryInput as the schema input: defaults optional', () => {
    expectTypeOf<Inputs['agents']['research-agent']['run']['factoryInput']>().toEqualTypeOf<
      | { persona?: 'analyst' | 'advisor' | 'skeptic' | undefined; depth?: number | undefined }
      | undefined
    >();
  });

  it('forbids factoryInput for agents without a schema', () => {
    expectTypeOf<
      Inputs['agents']['tenant-agent']['run']['factoryInput']
    >().toEqualTypeOf<undefined>();
    expectTypeOf<
      Inputs['agents']['plain-agent']['run']['factoryInput']
    >().toEqualTypeOf<undefined>();
  });

  it('returns the run output, the started ids, and watches tracked run events', () => {
    expectTypeOf<Outputs['agents']['research-agent']['run']>().toEqualTypeOf<RunOutput<null>>();
    expectTypeOf<Outputs['agents']['research-agent']['start']>().toEqualTypeOf<StartedRun>();
    expectTypeOf<Outputs['runs']['watch']>().toExtend<
      AsyncIterable<{ id: string; data: RunEvent }>
    >();
    expectTypeOf<Inputs['runs']['watch']>().toEqualTypeOf<WatchInput>();
  });

  it('types start exactly as run: the factory schema decides factoryInput', () => {
    expectTypeOf<Inputs['agents']['research-agent']['start']>().toEqualTypeOf<
      Inputs['agents']['research-agent']['run']
    >();
    expectTypeOf<Inputs['agents']['plain-agent']['start']>().toEqualTypeOf<
      Inputs['agents']['plain-agent']['run']
    >();
  });

  it('offers no tRPC procedure that starts a run from a GET', () => {
    expectTypeOf<keyof Inputs['agents']['tenant-agent']>().toEqualTypeOf<'run' | 'start'>();
  });
});
