import { AgentMintError } from './agentMintError.ts';

/** Thrown by a factory to refuse the caller (HTTP 403); the message reaches the client as given. */
export class FactoryPermissionError extends AgentMintError {
  constructor(message = 'Not allowed to use this agent') {
    super('FACTORY_FORBIDDEN', message);
    this.name = 'FactoryPermissionError';
  }
}
