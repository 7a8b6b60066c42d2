import { Agent, type AgentEntry } from '@agentmint/core';
import { z } from 'zod';

/** How `agents.list` / `agents.get` describe an agent; never calls a factory. */
export interface AgentInfo {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly dbId: string | null;
  readonly isFactory: boolean;
  /** A plain agent's model; null for a factory (its model is only known once it builds an agent). */
  readonly model: AgentModelInfo | null;
  /** JSON Schema of the factory input (input side: defaults optional), or null. */
  readonly factoryInputSchema: Readonly<Record<string, unknown>> | null;
}

export interface AgentModelInfo {
  /** The model class, e.g. `OpenAIResponses` (Agno's `ModelResponse.name`). */
  readonly name: string;
  readonly id: string;
  readonly provider: string;
}

/** Describes every entry once, at start-up: the JSON Schema conversion is not free. */
export function describeAgents(entries: Iterable<AgentEntry>): Map<string, AgentInfo> {
  const infos = new Map<string, AgentInfo>();
  for (const entry of entries) {
    const id = entry.id ?? '';
    const isFactory = !(entry instanceof Agent);
    const schema = isFactory ? entry.inputSchema : undefined;
    infos.set(id, {
      id,
      name: entry.name ?? null,
      description: entry.description ?? null,
      dbId: entry.db?.id ?? null,
      isFactory,
      model:
        entry instanceof Agent
          ? {
              name: entry.model.constructor.name,
              id: entry.model.id,
              provider: entry.model.provider,
            }
          : null,
      factoryInputSchema: schema
        ? (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
            string,
            unknown
          >)
        : null,
    });
  }
  return infos;
}
