import type { Message, ModelUsage } from '@agentmint/core';

/** A rough token count (4 characters a token) so runs report non-zero usage without a tokenizer. */
export function estimateUsage(messages: readonly Message[], output: string): ModelUsage {
  let chars = 0;
  for (const message of messages) chars += message.content?.length ?? 0;
  return {
    inputTokens: Math.ceil(chars / 4),
    outputTokens: Math.max(1, Math.ceil(output.length / 4)),
  };
}
