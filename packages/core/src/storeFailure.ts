import { AgentMintError } from './errors/agentMintError.ts';

const PUBLIC_MESSAGE = 'The database is unavailable; retry shortly';

/**
 * What a failed store call means to a client: the store's own AgentMintErrors pass as they are;
 * anything else (a dropped connection, a server that went away) is STORE_UNAVAILABLE (503), never
 * an opaque 500. The driver's detail stays in `cause`, for logs only.
 */
export function storeFailure(error: unknown): AgentMintError {
  if (error instanceof AgentMintError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new AgentMintError('STORE_UNAVAILABLE', `A store call failed: ${detail}`, {
    cause: error,
    publicMessage: PUBLIC_MESSAGE,
  });
}

/** Awaits a store call, turning its failure into `storeFailure(error)`. */
export async function fromStore<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw storeFailure(error);
  }
}
