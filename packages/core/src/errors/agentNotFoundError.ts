import { AgentMintError } from './agentMintError.ts';
import { displayId } from './displayId.ts';

export class AgentNotFoundError extends AgentMintError {
  readonly agentId: string;

  constructor(agentId: string) {
    super('AGENT_NOT_FOUND', `No agent with id ${displayId(agentId)}`);
    this.name = 'AgentNotFoundError';
    this.agentId = agentId;
  }
}
