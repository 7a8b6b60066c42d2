import type { Model } from '@agentmint/core';
import { OpenAIResponses } from '@agentmint/openai';
import { startFakeOpenAIServer } from '@agentmint/testing';

export interface ModelSource {
  readonly model: () => Model;
  readonly description: string;
  close(): Promise<void>;
}

/**
 * OpenAIResponses against OpenAI (or any compatible `OPENAI_BASE_URL`) when configured; otherwise
 * a local fake OpenAI-compatible server, so the whole path — SDK, HTTP, SSE — runs with no key.
 */
export async function modelFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ModelSource> {
  const id = env.AGENTMINT_MODEL ?? 'gpt-5.4';
  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL) {
    return {
      model: () => new OpenAIResponses({ id }),
      description: `OpenAIResponses '${id}' at ${env.OPENAI_BASE_URL ?? 'api.openai.com'}`,
      close: async () => {},
    };
  }
  const fake = await startFakeOpenAIServer();
  return {
    model: () => new OpenAIResponses({ id, baseURL: fake.url, apiKey: 'fake-key' }),
    description: `no OPENAI_API_KEY or OPENAI_BASE_URL: using the fake OpenAI-compatible server at ${fake.url} (it echoes)`,
    close: () => fake.close(),
  };
}
