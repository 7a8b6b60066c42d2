import type { AgentInfo } from '../agentInfo.ts';

/** How `GET /config` names this AgentOS (Agno's `AgentOS(id=…, name=…, description=…)`). */
export interface OSIdentity {
  readonly id: string;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
}

/** The domains Agno's ConfigResponse describes that AgentMint does not serve. */
const UNSERVED_DOMAINS = ['memory', 'knowledge', 'evals', 'metrics', 'traces'] as const;

/**
 * Agno's ConfigResponse (libs/agno/agno/os/schema.py). Sessions are served from every agent's
 * database; the domains AgentMint lacks list no database (`{"dbs": []}` rather than absent:
 * Agno's `RemoteAgent.db` reads `config.<domain>.dbs` of each without a None check). No teams,
 * workflows or interfaces.
 */
export function restConfig(os: OSIdentity, agents: readonly AgentInfo[]) {
  const databases = [...new Set(agents.flatMap((agent) => (agent.dbId ? [agent.dbId] : [])))];
  return {
    os_id: os.id,
    ...(os.name !== undefined && { name: os.name }),
    ...(os.description !== undefined && { description: os.description }),
    // Agno's model picker list: AgentMint has no run-time model switching, so none.
    available_models: [],
    databases,
    session: {
      dbs: databases.map((db_id) => ({ db_id, domain_config: { display_name: 'Sessions' } })),
    },
    ...Object.fromEntries(UNSERVED_DOMAINS.map((domain) => [domain, { dbs: [] }])),
    agents: agents.map((agent) => ({
      id: agent.id,
      ...(agent.name !== null && { name: agent.name }),
      ...(agent.description !== null && { description: agent.description }),
      ...(agent.dbId !== null && { db_id: agent.dbId }),
    })),
    teams: [],
    workflows: [],
    interfaces: [],
  };
}

/** Agno's `GET /models`: each distinct model of a plain agent (factories build theirs per request). */
export function restModels(agents: readonly AgentInfo[]): { id: string; provider: string }[] {
  const seen = new Map<string, { id: string; provider: string }>();
  for (const { model } of agents) {
    if (model)
      seen.set(`${model.provider}\u0000${model.id}`, { id: model.id, provider: model.provider });
  }
  return [...seen.values()];
}
