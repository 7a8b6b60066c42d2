import { z } from 'zod';

/** The seed's `research-agent` input: what `factory_input` carries (defaults filled in). */
export const researchInput = z.object({
  persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
  depth: z.number().int().min(1).max(10).default(3),
});

export type ResearchInput = z.output<typeof researchInput>;

const PERSONAS = {
  analyst: 'You are a data-driven research analyst. Cite sources and use numbers.',
  advisor: 'You are a strategic advisor. Focus on actionable recommendations.',
  skeptic: 'You are a critical skeptic. Challenge assumptions and highlight risks.',
} as const;

/** The instructions the seed's factory builds from its input (same text in every server). */
export function researchInstructions(input: ResearchInput): string {
  return `${PERSONAS[input.persona]}\n\nResearch depth: ${input.depth} (higher = more thorough).`;
}

export const RESEARCH_AGENT_ID = 'research-agent';
