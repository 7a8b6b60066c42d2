import type { Logger } from '@agentmint/core';
import type { Hono } from 'hono';
import type { AgentMintRequestState } from './context.ts';
import type { AgentOperations } from './operations/agentOperations.ts';

/** What an interface may use of its AgentOS: the operations layer and the same authentication. */
export interface AgentOSInterfaceHost {
  /** Every check (scopes, ownership, existence, factory input) happens here, once for all transports. */
  readonly operations: AgentOperations;
  readonly logger: Logger;
  /** Verifies the request's credentials (401 when a token is bad), exactly as REST and tRPC do. */
  authenticate(headers: Headers): Promise<AgentMintRequestState>;
}

/**
 * An extra protocol AgentOS serves beside tRPC and REST (AG-UI, MCP): it adds its routes to the
 * AgentOS app and only translates shapes; every check happens in the operations layer below it.
 */
export interface AgentOSInterface {
  /** Shown in logs, e.g. `agui`. */
  readonly name: string;
  mount(app: Hono, host: AgentOSInterfaceHost): void;
  /** Releases what the interface holds (open sessions) when AgentOS closes. */
  close?(): Promise<void>;
}
