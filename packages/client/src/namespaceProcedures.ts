/** The AgentOS procedures the client calls besides per-agent run/stream, with their tRPC type. */
export const NAMESPACE_PROCEDURES = {
  agents: { list: 'query', get: 'query' },
  runs: { get: 'query', cancel: 'mutation', continue: 'mutation', continueStart: 'mutation' },
  sessions: {
    list: 'query',
    get: 'query',
    delete: 'mutation',
    rename: 'mutation',
    fork: 'mutation',
  },
} as const;

export type NamespaceProcedures = typeof NAMESPACE_PROCEDURES;
export type Namespace = keyof NamespaceProcedures;
