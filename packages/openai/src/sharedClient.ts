import OpenAI from 'openai';

export interface ClientSettings {
  readonly apiKey: string;
  readonly baseURL: string | undefined;
  readonly maxRetries: number | undefined;
  readonly timeoutMs: number | undefined;
}

// Factories build a model per request: reuse one client (and its connection pool) per settings.
const clients = new Map<string, OpenAI>();
const MAX_CLIENTS = 32;

/** The OpenAI client for these settings, created on first use and shared afterwards. */
export function sharedClient(settings: ClientSettings): OpenAI {
  const key = JSON.stringify([
    settings.apiKey,
    settings.baseURL,
    settings.maxRetries,
    settings.timeoutMs,
  ]);
  let client = clients.get(key);
  if (client === undefined) {
    client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL ?? null,
      ...(settings.maxRetries !== undefined && { maxRetries: settings.maxRetries }),
      ...(settings.timeoutMs !== undefined && { timeout: settings.timeoutMs }),
    });
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
    clients.set(key, client);
  }
  return client;
}
