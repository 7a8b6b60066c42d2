import { toClientError } from '@agentmint/client';

/** `CODE: message` for anything a call threw, tRPC's own client errors included. */
export function errorText(error: unknown): string {
  const clientError = toClientError(error);
  return `${clientError.code}: ${clientError.message}`;
}
