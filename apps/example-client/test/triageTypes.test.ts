import type { AgentOutput, FactoryInput } from '@agentmint/client';
import { describe, expectTypeOf, it } from 'vitest';
import type { AppRouter } from '../../server/src/createServerOS.ts';

// Checked by `tsc` (the package's typecheck): the server's output schema reaches the client's types.
describe('triage-agent types, as a client of apps/server sees them', () => {
  it('types run.output from the output schema and factoryInput from the input schema', () => {
    expectTypeOf<AgentOutput<AppRouter, 'triage-agent'>>().toEqualTypeOf<{
      label: 'bug' | 'feature' | 'question';
      priority: number;
      summary: string;
    }>();
    expectTypeOf<FactoryInput<AppRouter, 'triage-agent'>>().toEqualTypeOf<{
      product?: string | undefined;
    }>();
    expectTypeOf<AgentOutput<AppRouter, 'tenant-agent'>>().toEqualTypeOf<null>();
  });
});
