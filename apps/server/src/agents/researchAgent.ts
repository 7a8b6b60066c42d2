import { Agent, AgentFactory, type Model, type Store } from '@agentmint/core';
import { z } from 'zod';

const PERSONAS = {
  analyst: 'You are a data-driven research analyst. Cite sources and use numbers.',
  advisor: 'You are a strategic advisor. Focus on actionable recommendations.',
  skeptic: 'You are a critical skeptic. Challenge assumptions and highlight risks.',
} as const;

export const researchInput = z.object({
  persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
  depth: z.number().int().min(1).max(10).default(3),
});

/** The seed's input-schema factory: `factory_input` picks the persona and depth. */
export function researchAgent(db: Store, model: () => Model) {
  return new AgentFactory({
    id: 'research-agent',
    db,
    name: 'Research agent',
    description: 'A research assistant whose persona and depth come from factory_input.',
    inputSchema: researchInput,
    factory: (ctx) =>
      new Agent({
        model: model(),
        db,
        instructions: `${PERSONAS[ctx.input.persona]}\n\nResearch depth: ${ctx.input.depth} (higher = more thorough).`,
        markdown: true,
      }),
  });
}
