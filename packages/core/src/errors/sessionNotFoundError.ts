import { AgentMintError } from './agentMintError.ts';
import { displayId } from './displayId.ts';

/** No such session, or not the caller's: the same answer for both, never confirming the id. */
export class SessionNotFoundError extends AgentMintError {
  readonly sessionId: string;

  constructor(sessionId: string) {
    super('SESSION_NOT_FOUND', `No session ${displayId(sessionId)}`);
    this.name = 'SessionNotFoundError';
    this.sessionId = sessionId;
  }
}
