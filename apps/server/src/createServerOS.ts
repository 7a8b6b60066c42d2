import type { Instrumentation, Logger, Model, Store } from '@agentmint/core';
import { AgentOS, type AuthOptions, type CorsOptions, type MetricsOptions } from '@agentmint/trpc';
import { agui } from '@agentmint/trpc/agui';
import { mcp } from '@agentmint/trpc/mcp';
import { profileAgent } from './agents/profileAgent.ts';
import { researchAgent } from './agents/researchAgent.ts';
import { tenantAgent } from './agents/tenantAgent.ts';
import { triageAgent } from './agents/triageAgent.ts';
import { workspaceAgent } from './agents/workspaceAgent.ts';

export interface ServerOSOptions {
  readonly db: Store;
  /** Builds the model for each new agent (a factory builds an agent per request). */
  readonly model: () => Model;
  readonly auth?: AuthOptions;
  readonly cors?: CorsOptions;
  readonly logger?: Logger;
  /** Serve Prometheus metrics at /metrics. */
  readonly metrics?: MetricsOptions;
  readonly instrumentation?: Instrumentation;
  /** Concurrent runs per user before 429 TOO_MANY_RUNS; main.ts reads AGENTMINT_MAX_RUNS_PER_USER. */
  readonly maxConcurrentRunsPerUser?: number;
}

/** The example AgentOS: the seed's factories on one db. */
export function createServerOS(options: ServerOSOptions) {
  const { db, model } = options;
  return new AgentOS({
    agents: [
      tenantAgent(db, model),
      researchAgent(db, model),
      workspaceAgent(db, model),
      profileAgent(db, model),
      triageAgent(db, model),
    ],
    // AG-UI front ends (CopilotKit) at POST /agui/{agentId}; MCP clients at /mcp.
    interfaces: [agui(), mcp()],
    ...(options.auth && { auth: options.auth }),
    ...(options.cors && { cors: options.cors }),
    ...(options.logger && { logger: options.logger }),
    ...(options.metrics && { metrics: options.metrics }),
    ...(options.instrumentation && { instrumentation: options.instrumentation }),
    ...(options.maxConcurrentRunsPerUser !== undefined && {
      maxConcurrentRunsPerUser: options.maxConcurrentRunsPerUser,
    }),
  });
}

export type ServerOS = ReturnType<typeof createServerOS>;
/**
 * The router type a client imports (`import type`): the whole API, inferred. Front ends import
 * it too, so the files it reaches (this one, ./agents/*) use no Node-only module or type.
 */
export type AppRouter = ServerOS['router'];
