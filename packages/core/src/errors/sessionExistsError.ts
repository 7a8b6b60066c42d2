import { AgentMintError } from './agentMintError.ts';
import { displayId } from './displayId.ts';

/** A new session was asked for under an id that is taken (ids are global, whoever owns it). */
export class SessionExistsError extends AgentMintError {
  readonly sessionId: string;

  constructor(sessionId: string) {
    super('SESSION_EXISTS', `A session ${displayId(sessionId)} already exists; pick another id`);
    this.name = 'SessionExistsError';
    this.sessionId = sessionId;
  }
}
