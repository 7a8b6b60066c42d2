import { Agent, AgentFactory, type Model, type Store } from '@agentmint/core';
import { z } from 'zod';

export const triageInput = z.object({
  product: z.string().min(1).max(64).default('AgentMint'),
});

/** What every triage run returns: the client sees `run.output` typed as this. */
export const triageOutput = z.object({
  label: z.enum(['bug', 'feature', 'question']),
  priority: z.number().int().min(1).max(5),
  summary: z.string(),
});

/** Structured output: the model must answer with a `triageOutput` object, validated before completion. */
export function triageAgent(db: Store, model: () => Model) {
  return new AgentFactory({
    id: 'triage-agent',
    db,
    name: 'Triage agent',
    description:
      'Sorts a support message into a typed ticket: label, priority (1 = most urgent), summary.',
    inputSchema: triageInput,
    factory: (ctx) =>
      new Agent({
        model: model(),
        db,
        instructions: `You triage support messages about ${ctx.input.product}. Label each one, give it a priority from 1 (most urgent) to 5, and summarise it in one sentence.`,
        outputSchema: triageOutput,
      }),
  });
}
