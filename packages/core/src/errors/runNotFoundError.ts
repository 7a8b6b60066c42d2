import { AgentMintError } from './agentMintError.ts';
import { displayId } from './displayId.ts';

/** No such run, or not the caller's: the same answer, so another user's run id is never confirmed. */
export class RunNotFoundError extends AgentMintError {
  readonly runId: string;

  constructor(runId: string) {
    super('RUN_NOT_FOUND', `No run ${displayId(runId)}`);
    this.name = 'RunNotFoundError';
    this.runId = runId;
  }
}
