import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, ResponseFormatSpec, ToolSpec } from '@agentmint/core';
import { abortableDelay } from './abortableDelay.ts';
import { chatCompletionsWire } from './chatCompletionsWire.ts';
import { responsesWire } from './responsesWire.ts';
import { isErrorTurn, type ScriptedTurn, type TextTurn, type Turn } from './turn.ts';
import { planTurn } from './turnPlan.ts';
import { type FallbackMode, TurnQueue } from './turnQueue.ts';
import { type WireApi, type WireRequest, WireRequestError } from './wireApi.ts';
import { isRecord } from './wireJson.ts';

/** Failures only a server can produce, on top of the turns a ScriptedModel plays. */
export type FakeServerFault =
  /** Answer with this HTTP status and an OpenAI-style error body. */
  | { readonly fault: 'status'; readonly status: number; readonly message?: string }
  /** Accept the request and never answer (until the client gives up or the server closes). */
  | { readonly fault: 'hang' }
  /**
   * Start the answer (SSE up to the first text delta, or half the JSON), then drop the connection;
   * `graceful` ends the HTTP response cleanly instead, like a proxy that gave up.
   */
  | { readonly fault: 'truncate'; readonly text?: string; readonly graceful?: boolean };

export type FakeServerTurn = Turn | FakeServerFault;

export interface FakeOpenAIServerOptions {
  /** Turns for the first requests, in order; more can be added with `script()`. */
  turns?: readonly ScriptedTurn<FakeServerTurn>[];
  /** What answers once the script is used up: `echo` (default), `ok`, or a turn. */
  fallback?: FallbackMode | ScriptedTurn<FakeServerTurn>;
  /** When set, the bearer token must be exactly this; otherwise any non-empty bearer token passes. */
  apiKey?: string;
}

/** A request the fake server received, with its body translated back to core messages. */
export interface FakeOpenAIRequest {
  readonly api: WireApi['name'];
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Readonly<Record<string, unknown>>;
  readonly model: string;
  readonly stream: boolean;
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  /** The structured output format asked for (`text.format` / `response_format` json_schema). */
  readonly responseFormat: ResponseFormatSpec | undefined;
  /** True when the client went away before the response was complete (it aborted or timed out). */
  readonly aborted: boolean;
  /** Settles once the response is complete or the connection is gone. */
  readonly closed: Promise<void>;
}

export interface FakeOpenAIServer extends AsyncDisposable {
  /** Base URL for the `openai` SDK, ending in `/v1`. */
  readonly url: string;
  readonly port: number;
  /** Every accepted API request, oldest first (401/404/400 answers are not recorded). */
  readonly requests: readonly FakeOpenAIRequest[];
  /** Scripted turns not yet played. */
  readonly pending: number;
  /** Appends turns for the next requests. */
  script(...turns: ScriptedTurn<FakeServerTurn>[]): FakeOpenAIServer;
  /** Stops listening and drops open connections, hanging ones included. */
  close(): Promise<void>;
}

const ROUTES: Readonly<Record<string, WireApi>> = {
  '/v1/responses': responsesWire,
  '/v1/chat/completions': chatCompletionsWire,
};

type RecordedRequest = { -readonly [K in keyof FakeOpenAIRequest]: FakeOpenAIRequest[K] };

/**
 * Starts an OpenAI-compatible HTTP server on 127.0.0.1 (a free port) that speaks the Responses and
 * Chat Completions APIs, JSON and SSE, with tool calls, so tests drive the real `openai` SDK.
 */
export async function startFakeOpenAIServer(
  options: FakeOpenAIServerOptions = {},
): Promise<FakeOpenAIServer> {
  const queue = new TurnQueue<FakeServerTurn>(options.fallback ?? 'echo', options.turns ?? []);
  const requests: RecordedRequest[] = [];
  let ids = 0;
  const mintId = (prefix: string) => `${prefix}fake${(++ids).toString().padStart(6, '0')}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A delay cut short because the client left needs no answer.
      if (res.closed) return;
      if (!res.headersSent) sendError(res, 500, `Fake server failure: ${String(error)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const wire = ROUTES[path];
    if (req.method !== 'POST' || !wire) {
      await drain(req);
      return sendError(res, 404, `Unknown route ${req.method} ${path}`, 'invalid_request_error');
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || (options.apiKey !== undefined && token !== options.apiKey)) {
      await drain(req);
      return sendError(res, 401, 'Incorrect API key provided', 'invalid_request_error', {
        code: 'invalid_api_key',
      });
    }
    let body: Record<string, unknown>;
    let request: WireRequest;
    try {
      const parsed: unknown = JSON.parse(await readBody(req));
      if (!isRecord(parsed)) throw new WireRequestError('The body must be a JSON object');
      body = parsed;
      request = wire.parse(body);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return sendError(res, 400, message, 'invalid_request_error');
    }

    const record: RecordedRequest = {
      api: wire.name,
      path,
      headers: req.headers,
      body,
      model: request.model,
      stream: request.stream,
      messages: request.messages,
      tools: request.tools,
      responseFormat: request.responseFormat,
      aborted: false,
      closed: new Promise((resolve) => {
        res.once('close', () => {
          record.aborted = !res.writableFinished;
          resolve();
        });
      }),
    };
    requests.push(record);

    const turn = queue.next(request);
    if (isErrorTurn(turn)) {
      const message = typeof turn.error === 'string' ? turn.error : turn.error.message;
      return sendError(res, 500, message, 'server_error');
    }
    if ('fault' in turn) {
      if (turn.fault === 'hang') return;
      if (turn.fault === 'status') {
        const message = turn.message ?? `The fake server answered ${turn.status}`;
        return sendError(res, turn.status, message, turn.status >= 500 ? 'server_error' : 'error');
      }
      const partial = { text: turn.text ?? 'This answer never ends', deltas: 2 };
      return truncate(wire, request, partial, turn.graceful === true, res);
    }
    const plan = planTurn(turn, request, () => mintId('call_'));
    if (!request.stream) {
      if (plan.delayMs > 0) {
        await abortableDelay(plan.delayMs * Math.max(1, plan.deltas.length), closeSignal(res));
      }
      return sendJson(res, 200, wire.json(plan, request, mintId));
    }
    startSse(res);
    const signal = closeSignal(res);
    for (const frame of wire.frames(plan, request, mintId)) {
      if (frame.delta && plan.delayMs > 0) await abortableDelay(plan.delayMs, signal);
      if (signal.aborted) return;
      res.write(sseText(frame.event, frame.data));
    }
    res.end();
  }

  function truncate(
    wire: WireApi,
    request: WireRequest,
    turn: TextTurn,
    graceful: boolean,
    res: ServerResponse,
  ) {
    const plan = planTurn(turn, request, () => mintId('call_'));
    if (!request.stream) {
      const json = JSON.stringify(wire.json(plan, request, mintId));
      const text = json.slice(0, Math.floor(json.length / 2));
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(graceful ? text : json),
      });
      res.write(text);
    } else {
      startSse(res);
      for (const frame of wire.frames(plan, request, mintId)) {
        res.write(sseText(frame.event, frame.data));
        if (frame.delta) break;
      }
    }
    if (graceful) res.end();
    // Let the partial answer reach the client before the connection drops.
    else setTimeout(() => res.destroy(), 20);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  const fake: FakeOpenAIServer = {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get pending() {
      return queue.pending;
    },
    script(...turns) {
      queue.push(turns);
      return fake;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return fake;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // Read the body so the connection can be reused.
  }
}

/** Aborted when the response closes, so pacing stops as soon as the client goes away. */
function closeSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.closed) controller.abort();
  else res.once('close', () => controller.abort());
  return controller.signal;
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
}

function sseText(event: string | undefined, data: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type = 'server_error',
  extra: { code?: string } = {},
): void {
  sendJson(res, status, { error: { message, type, param: null, code: extra.code ?? null } });
}
