import type OpenAI from 'openai';

/** Options shared by `OpenAIResponses` and `OpenAIChat`. */
export interface OpenAIModelOptions {
  /** Model name sent to the API, e.g. `gpt-5.4`, or a local one such as `llama3.2`. */
  id: string;
  /** Default: `OPENAI_API_KEY`. Not needed for a local server given by `baseURL`. */
  apiKey?: string;
  /** Any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp). Default: `OPENAI_BASE_URL`, then OpenAI. */
  baseURL?: string;
  temperature?: number;
  maxOutputTokens?: number;
  /** A client of your own (custom fetch, proxy, Azure); apiKey, baseURL and retries are then ignored. */
  client?: OpenAI;
  /** Retries on 408/409/429/5xx and connection errors. Default 2, the SDK's. */
  maxRetries?: number;
  /** Per-request timeout in milliseconds. Default 10 minutes, the SDK's. */
  timeoutMs?: number;
  /** Fields merged into every request body, for provider knobs this type does not name. */
  extraBody?: Readonly<Record<string, unknown>>;
}
