import { AgentMintError } from './agentMintError.ts';

export class AgentNotFoundError extends AgentMintError {
  readonly agentId: string;

  constructor(agentId: string) {
    super('AGENT_NOT_FOUND', `No agent with id '${agentId}'`);
    this.name = 'AgentNotFoundError';
    this.agentId = agentId;
  }
}
