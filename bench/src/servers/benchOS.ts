import { Agent, AgentFactory, type Model, type Store } from '@agentmint/core';
import { AgentOS, type AgentOSOptions } from '@agentmint/trpc';
import { RESEARCH_AGENT_ID, researchInput, researchInstructions } from './researchAgent.ts';

/** The seed's `research-agent` factory on AgentOS: input schema, a fresh Agent per request. */
export function createBenchOS(
  db: Store,
  model: Model,
  extra: Pick<AgentOSOptions<[]>, 'tracing'> = {},
) {
  const research = new AgentFactory({
    id: RESEARCH_AGENT_ID,
    db,
    name: 'Research agent',
    description: 'A research assistant whose persona and depth come from factory_input.',
    inputSchema: researchInput,
    factory: (ctx) =>
      new Agent({ model, db, instructions: researchInstructions(ctx.input), markdown: true }),
  });
  return new AgentOS({ agents: [research], ...extra });
}

export type BenchRouter = ReturnType<typeof createBenchOS>['router'];
