// The spec-following SSE parser lives in @agentmint/testing; these names keep the suite's vocabulary.
import {
  parseServerSentEvents as parseSSE,
  readServerSentEvents as readSSE,
  type ServerSentEvent as SSEvent,
} from '@agentmint/testing';

export { parseSSE, readSSE, type SSEvent };

export function form(fields: Readonly<Record<string, string>>): FormData {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  return body;
}

export function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** The `{ detail, code }` body of a REST error, or of anything else as far as it goes. */
export interface RestErrorBody {
  readonly detail?: unknown;
  readonly code?: unknown;
}

export async function jsonBody<T = Record<string, unknown>>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON, got HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
}

/** One REST error response: its status, stable code and message. */
export async function restFailure(
  response: Response,
): Promise<{ status: number; code: string; detail: string }> {
  const body = await jsonBody<RestErrorBody>(response);
  return { status: response.status, code: String(body.code), detail: String(body.detail) };
}

/** A raw tRPC call over fetch, so tests can send what no typed client would. */
export async function trpcCall(options: {
  readonly url: string;
  readonly path: string;
  readonly type: 'query' | 'mutation';
  readonly input?: unknown;
  /** Send this exact body instead of `{ json: input }` (mutations only). */
  readonly rawBody?: BodyInit;
  readonly headers?: Record<string, string>;
}): Promise<TrpcResult> {
  const base = `${options.url}/trpc/${options.path}`;
  const response =
    options.type === 'query'
      ? await fetch(
          options.input === undefined
            ? base
            : `${base}?input=${encodeURIComponent(JSON.stringify({ json: options.input }))}`,
          { headers: options.headers ?? {} },
        )
      : await fetch(base, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: options.rawBody ?? JSON.stringify({ json: options.input }),
        });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  const error = (body as { error?: { json?: TrpcErrorShape } } | null)?.error?.json;
  const result = (body as { result?: { data?: { json?: unknown } } } | null)?.result?.data?.json;
  return { status: response.status, error, result, text };
}

export interface TrpcErrorShape {
  readonly message: string;
  readonly code: number;
  readonly data: {
    readonly code: string;
    readonly httpStatus: number;
    readonly agentmintCode: string;
    readonly retryAfterSeconds?: number;
  };
}

export interface TrpcResult {
  readonly status: number;
  readonly error: TrpcErrorShape | undefined;
  readonly result: unknown;
  readonly text: string;
}

/** Polls `check` every `everyMs` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 50));
  }
  throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`, { cause: last });
}

/**
 * Opens a tRPC subscription over SSE with plain fetch and reads it until `until` says stop, the
 * stream ends, or `timeoutMs`; returns the HTTP status and the events seen (tRPC sends errors that
 * happen after the stream opened as `serialized-error` events).
 */
export async function trpcSubscribe(options: {
  readonly url: string;
  readonly path: string;
  readonly input: unknown;
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
  readonly until?: (events: SSEvent[]) => boolean;
}): Promise<{ status: number; events: SSEvent[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 5_000);
  const query = encodeURIComponent(JSON.stringify({ json: options.input }));
  const events: SSEvent[] = [];
  let status = 0;
  try {
    const response = await fetch(`${options.url}/trpc/${options.path}?input=${query}`, {
      headers: { accept: 'text/event-stream', ...options.headers },
      signal: controller.signal,
    });
    status = response.status;
    if (!response.body) return { status, events };
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      const end = buffer.lastIndexOf('\n\n');
      if (end === -1) continue;
      events.push(...parseSSE(buffer.slice(0, end + 2)).filter((e) => e.event !== 'ping'));
      buffer = buffer.slice(end + 2);
      const terminal = events.some(
        (e) =>
          e.event === 'serialized-error' ||
          e.event === 'return' ||
          ['RunCompleted', 'RunError', 'RunCancelled'].includes(runEventName(e) ?? ''),
      );
      if (terminal || options.until?.(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status, events };
}

/** The run event an SSE event carries: Agno REST puts it in `data.event`, tRPC in `data.json.event`. */
export function runEventName(event: SSEvent): string | undefined {
  const direct = event.data.event;
  if (typeof direct === 'string') return direct;
  const json = event.data.json as { event?: unknown } | undefined;
  return typeof json?.event === 'string' ? json.event : undefined;
}
