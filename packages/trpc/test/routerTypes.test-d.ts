import type { RunEvent, RunOutput } from '@agentmint/core';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
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

  it('returns the run output and streams tracked run events', () => {
    expectTypeOf<Outputs['agents']['research-agent']['run']>().toEqualTypeOf<RunOutput<null>>();
    expectTypeOf<Outputs['agents']['tenant-agent']['stream']>().toExtend<
      AsyncIterable<{ id: string; data: RunEvent }>
    >();
  });
});
