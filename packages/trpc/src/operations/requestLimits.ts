import { AgentMintError, AgentNotFoundError, isStorableId } from '@agentmint/core';

/** Longest session name accepted. */
export const MAX_SESSION_NAME_LENGTH = 500;
/** Largest page of sessions one request may ask for. */
export const MAX_PAGE_SIZE = 1000;

/** An agent id no registry can hold answers as unknown, like any other missing id. */
export function assertAgentIdShape(agentId: string): void {
  if (!isStorableId(agentId)) throw new AgentNotFoundError(agentId);
}

/** Integer in [min, max], else BAD_REQUEST naming the field. */
export function assertIntegerIn(value: number, field: string, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new AgentMintError(
      'BAD_REQUEST',
      `\`${field}\` must be an integer from ${min} to ${max}`,
    );
  }
}

export function assertSessionName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_SESSION_NAME_LENGTH) {
    throw new AgentMintError(
      'BAD_REQUEST',
      `The session name must be 1 to ${MAX_SESSION_NAME_LENGTH} characters`,
    );
  }
}
