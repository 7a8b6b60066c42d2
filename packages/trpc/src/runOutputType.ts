import type { Agent, AgentFactory, OutputOf, RunOutput } from '@agentmint/core';
import type { z } from 'zod';

/** The structured output type of a registered agent: `z.output` of its `outputSchema`, or null. */
export type AgentOutputOf<TEntry> =
  TEntry extends AgentFactory<string, z.ZodType | undefined, infer TOutputSchema>
    ? OutputOf<TOutputSchema>
    : TEntry extends Agent<string | undefined, infer TOutputSchema>
      ? OutputOf<TOutputSchema>
      : unknown;

/** What `agents[id].run` returns for `TEntry`: a run whose `output` has the agent's type. */
export type AgentRunOutput<TEntry> = RunOutput<AgentOutputOf<TEntry>>;
