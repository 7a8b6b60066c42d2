import type { Model } from '@agentmint/core';
import { OpenAIChat, type OpenAIModelOptions, OpenAIResponses } from '../src/index.ts';

/** Both models, so every behaviour is checked over the Responses and the Chat Completions API. */
export const MODEL_CASES = [
  {
    name: 'OpenAIResponses',
    api: 'responses',
    create: (o: OpenAIModelOptions) => new OpenAIResponses(o),
  },
  { name: 'OpenAIChat', api: 'chat', create: (o: OpenAIModelOptions): Model => new OpenAIChat(o) },
] as const;
