import { AgentMintError } from './agentMintError.ts';

/** Missing or invalid credentials (HTTP 401). The message never says which check failed. */
export class UnauthenticatedError extends AgentMintError {
  constructor(message = 'A valid bearer token is required', options: { cause?: unknown } = {}) {
    super('UNAUTHENTICATED', message, options);
    this.name = 'UnauthenticatedError';
  }
}
