import { AgentMintError } from '@agentmint/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

/**
 * What a failed OpenAI call should throw: the abort reason when the run was cancelled, else a
 * MODEL_ERROR whose public message names the HTTP status and nothing secret.
 */
export function toModelError(
  error: unknown,
  signal: AbortSignal,
  apiKey: string | undefined,
): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof AgentMintError) return error;
  const detail = scrub(error instanceof Error ? error.message : String(error), apiKey);
  if (error instanceof APIConnectionTimeoutError) {
    return new AgentMintError('MODEL_ERROR', `OpenAI request timed out: ${detail}`, {
      cause: error,
      publicMessage: 'The model request timed out',
    });
  }
  if (error instanceof APIConnectionError) {
    return new AgentMintError('MODEL_ERROR', `Could not reach the OpenAI API: ${detail}`, {
      cause: error,
      publicMessage: 'Could not reach the model provider',
    });
  }
  if (error instanceof APIError && error.status !== undefined) {
    return new AgentMintError('MODEL_ERROR', `OpenAI API error (HTTP ${error.status}): ${detail}`, {
      cause: error,
      publicMessage: `The model provider answered HTTP ${error.status}`,
    });
  }
  return new AgentMintError('MODEL_ERROR', `OpenAI request failed: ${detail}`, {
    cause: error,
    publicMessage: 'The model request failed',
  });
}

// Provider messages can echo the key back; keep it out of logs too.
function scrub(message: string, apiKey: string | undefined): string {
  return apiKey && apiKey.length >= 8 ? message.replaceAll(apiKey, '***') : message;
}
