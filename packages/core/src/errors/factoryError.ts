import { AgentMintError } from './agentMintError.ts';

const PUBLIC_MESSAGE = 'The agent factory failed; see the server logs for details';

/** The factory threw, timed out or returned something that is not an Agent (HTTP 500, detail in logs only). */
export class FactoryError extends AgentMintError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('FACTORY_ERROR', message, { ...options, publicMessage: PUBLIC_MESSAGE });
    this.name = 'FactoryError';
  }
}
