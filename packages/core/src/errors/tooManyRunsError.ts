import { AgentMintError } from './agentMintError.ts';

/** The caller already has its limit of concurrent runs (HTTP 429 with Retry-After). */
export class TooManyRunsError extends AgentMintError {
  readonly retryAfterSeconds: number;

  constructor(limit: number, retryAfterSeconds = 1) {
    super('TOO_MANY_RUNS', `At most ${limit} concurrent runs per user; retry when one has ended`);
    this.name = 'TooManyRunsError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
