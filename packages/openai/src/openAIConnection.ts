import { AgentMintError } from '@agentmint/core';
import type OpenAI from 'openai';
import type { OpenAIModelOptions } from './openAIModelOptions.ts';
import { sharedClient } from './sharedClient.ts';

// Local servers (Ollama, vLLM, llama.cpp) ignore the key, but the SDK insists on one.
const PLACEHOLDER_API_KEY = 'agentmint-no-key';

/**
 * Where a model sends its requests. Reads options and env when the model is built (cheap) and
 * resolves the SDK client on the first request, from a cache shared by every model instance.
 */
export class OpenAIConnection {
  /** The key in use, so error messages can be scrubbed of it. */
  readonly apiKey: string | undefined;
  readonly #options: OpenAIModelOptions;
  readonly #baseURL: string | undefined;
  #client: OpenAI | undefined;

  constructor(options: OpenAIModelOptions) {
    this.#options = options;
    this.#client = options.client;
    this.#baseURL = nonEmpty(options.baseURL) ?? nonEmpty(process.env.OPENAI_BASE_URL);
    const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(process.env.OPENAI_API_KEY);
    this.apiKey = apiKey ?? (this.#baseURL === undefined ? undefined : PLACEHOLDER_API_KEY);
  }

  get client(): OpenAI {
    if (this.#client) return this.#client;
    if (this.apiKey === undefined) {
      throw new AgentMintError(
        'MODEL_ERROR',
        'No OpenAI API key: set OPENAI_API_KEY, or pass apiKey or a baseURL to the model',
        { publicMessage: 'The model is not configured: its API key is missing' },
      );
    }
    this.#client = sharedClient({
      apiKey: this.apiKey,
      baseURL: this.#baseURL,
      maxRetries: this.#options.maxRetries,
      timeoutMs: this.#options.timeoutMs,
    });
    return this.#client;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
