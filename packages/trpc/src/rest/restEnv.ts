import type { Logger } from '@agentmint/core';
import type { AgentInfo } from '../agentInfo.ts';
import type { AgentMintRequestState } from '../context.ts';
import type { AgentOperations } from '../operations/agentOperations.ts';
import type { OSIdentity } from './configShape.ts';

export interface RestAppDeps {
  readonly operations: AgentOperations;
  readonly authenticate: (headers: Headers) => Promise<AgentMintRequestState>;
  readonly logger: Logger;
  /** Every registered agent, to name it in shapes (`agent_name`); access is checked by operations. */
  readonly infos: ReadonlyMap<string, AgentInfo>;
  /** What `GET /config` calls this AgentOS. */
  readonly os: OSIdentity;
}

/** The REST app's Hono environment: every route past auth reads the caller from `agentmint`. */
export type RestEnv = { Variables: { agentmint: AgentMintRequestState } };
