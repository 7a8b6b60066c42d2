import { AgentMintError } from './agentMintError.ts';

/** The caller is authenticated but lacks a scope (HTTP 403); the message names the scope needed. */
export class ForbiddenError extends AgentMintError {
  readonly requiredScope: string | undefined;

  constructor(message: string, requiredScope?: string) {
    super('FORBIDDEN', message);
    this.name = 'ForbiddenError';
    this.requiredScope = requiredScope;
  }
}
