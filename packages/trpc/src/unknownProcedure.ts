import { AgentMintError, AgentNotFoundError, displayId } from '@agentmint/core';
import type { TRPCError } from '@trpc/server';

// `…agents.<id>.<procedure>`: an agent's own procedures, under any host router prefix.
const AGENT_PROCEDURE = /(?:^|\.)agents\.([^.]+)\.(?:run|start)$/;

/** tRPC's own "no procedure on this path"; a procedure's NOT_FOUND carries an AgentMint cause. */
export function isUnknownProcedure(error: TRPCError): boolean {
  return error.code === 'NOT_FOUND' && !(error.cause instanceof AgentMintError);
}

/**
 * What an unknown tRPC path means to a client: an agent procedure of an agent nobody registered
 * is AGENT_NOT_FOUND (agents are static paths); any other path is PROCEDURE_NOT_FOUND. Either
 * message cuts the echoed path or id to 64 characters.
 */
export function unknownProcedureError(path: string | undefined): AgentMintError {
  const agentId = path?.match(AGENT_PROCEDURE)?.[1];
  if (agentId !== undefined) return new AgentNotFoundError(agentId);
  return new AgentMintError(
    'PROCEDURE_NOT_FOUND',
    `No tRPC procedure ${displayId(path ?? '')}; check the path (e.g. agents.list, agents.<id>.run)`,
  );
}
