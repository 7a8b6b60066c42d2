import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentMintError, type Logger } from '@agentmint/core';
import type { Tracer } from '@opentelemetry/api';
import type { AnyTRPCRouter, TRPCError } from '@trpc/server';
import { resolveResponse } from '@trpc/server/http';
import { toReportedPublicError } from '../errorMapping.ts';
import { startRequestSpan } from '../observability/requestSpans.ts';
import { restErrorBody } from '../rest/restShapes.ts';
import { refuseLargeBatch } from './batchLimit.ts';
import { BufferedRequest } from './bufferedRequest.ts';
import { planDirectCalls, runDirectCalls } from './directCalls.ts';
import { drained } from './drained.ts';
import { SsePinger } from './ssePinger.ts';
import { serveSseSubscription } from './sseSubscription.ts';
import { writeHead } from './writeHead.ts';

export interface TRPCNodeHandlerOptions {
  readonly router: AnyTRPCRouter;
  /** Path prefix the router is served under, e.g. `/trpc`. */
  readonly endpoint: string;
  readonly maxBodyBytes: number;
  /** Most calls one batch request may carry (413 BATCH_TOO_LARGE beyond). */
  readonly maxBatchSize: number;
  /** Written first in every SSE response (`retry: <ms>`), before tRPC's own frames. */
  readonly sseReconnectMs: number;
  readonly logger: Logger;
  /** tRPC's `onError`: every failed call, with its procedure path. */
  readonly onError: (opts: { error: TRPCError; path: string | undefined }) => void;
  /** A SERVER span per request (as the Hono app's `requestSpans`); none when tracing is off. */
  readonly tracer?: Tracer | undefined;
  /** Whether spans are recorded now (an SDK is registered): without, no span work at all. */
  readonly tracesRecorded?: (() => boolean) | undefined;
  /** Counts open SSE streams (the metrics gauge), as the Hono app's `countOpenStreams`. */
  readonly openStreams?: { inc(): void; dec(): void } | undefined;
  /** CORS headers for a request's `Origin` (preflights are not sent here). */
  readonly corsHeaders?: ((origin: string | undefined) => [string, string][]) | undefined;
  /**
   * The tRPC context of a request. Default `{ headers }`, the request's web `Headers` (as the fetch
   * adapter's `createContext` gives); a caller that needs no web `Headers` saves building them.
   */
  readonly createContext?: ((req: IncomingMessage) => object) | undefined;
}

/**
 * Serves a tRPC router straight from node:http. Unlike the fetch adapter behind a web framework,
 * it reads the body into one string (no web stream over the socket); plain calls run without
 * `resolveResponse` and are answered with one `res.end`, subscriptions are written to the socket
 * frame by frame (see `serveSseSubscription`). Anything else (404, 405, JSONL, form bodies) goes
 * through tRPC's `resolveResponse`.
 */
export function createTRPCNodeHandler(options: TRPCNodeHandlerOptions) {
  const { router, endpoint, maxBodyBytes } = options;
  const reconnectHint = `retry: ${options.sseReconnectMs}\n\n`;
  const ping = router._def._config.sse?.ping;
  const pinger = new SsePinger(ping?.enabled ? (ping.intervalMs ?? 1_000) : undefined);
  const createContext =
    options.createContext ?? ((req: IncomingMessage) => ({ headers: webHeaders(req) }));
  const tooLarge = () =>
    new AgentMintError('PAYLOAD_TOO_LARGE', `Request body over ${maxBodyBytes} bytes`);

  // One async function per request, its failures caught inside: no second promise and `.catch`.
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      // Added when the answer's head is written, after tRPC's own headers (as Hono's middleware does).
      if (options.corsHeaders) {
        const cors = options.corsHeaders(req.headers.origin);
        const writeHead = res.writeHead;
        res.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
          for (const [key, value] of cors) this.appendHeader(key, value);
          return writeHead.apply(this, args);
        } as typeof writeHead;
      }
      const aborter = new AbortController();
      (res as AbortableResponse)[ABORTER] = aborter;
      // `on`, not `once`: 'close' comes once, and `once` wraps every listener in two more objects.
      res.on('close', abortUnfinished);
      const tooBig = refuseLargeBatch(req.url ?? '/', { router, max: options.maxBatchSize });
      if (tooBig) {
        writeHead(res, tooBig.status, { 'content-type': 'application/json' });
        return void res.end(await tooBig.text());
      }
      const method = req.method ?? 'GET';
      let body: string | undefined;
      if (method !== 'GET' && method !== 'HEAD') {
        const read = await readBody(req, maxBodyBytes);
        if (read === undefined) return writeError(res, tooLarge(), options.logger);
        body = read;
      }
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const query = queryAt < 0 ? NO_QUERY : queryOf(url, queryAt);
      // As tRPC's fetch adapter: the path after the endpoint, without slashes around it (tRPC decodes it).
      const path = trimSlashes(url.slice(endpoint.length, queryAt < 0 ? undefined : queryAt));
      const ctx = createContext(req);
      const json = isJson(header(req, 'content-type'));
      const plan =
        (body === undefined || json) && !path.includes('%')
          ? planDirectCalls({
              router,
              method,
              path,
              query,
              body,
              streamAccepted: acceptsJsonl(req),
            })
          : undefined;
      if (plan?.kind === 'calls') {
        const { status, body: answer } = await runDirectCalls({
          router,
          calls: plan.calls,
          isBatch: plan.isBatch,
          ctx,
          signal: aborter.signal,
          onError: options.onError,
        });
        // The head is written by `end`, with a Content-Length: head and body leave in one write
        // (an explicit writeHead first makes Node send the body chunked, in four buffers).
        for (const key in JSON_HEADERS)
          res.setHeader(key, JSON_HEADERS[key as keyof typeof JSON_HEADERS]);
        res.statusCode = status;
        return void res.end(answer);
      }
      if (plan?.kind === 'subscription') {
        const { openStreams } = options;
        if (openStreams) {
          openStreams.inc();
          res.once('close', () => openStreams.dec());
        }
        return serveSseSubscription(res, {
          router,
          call: plan.call,
          ctx,
          signal: aborter.signal,
          // As tRPC's `getLastEventId`: the header, else the query.
          lastEventId:
            header(req, 'last-event-id') ?? query.get('lastEventId') ?? query.get('Last-Event-Id'),
          preamble: reconnectHint,
          pinger,
          onError: options.onError,
        });
      }
      // tRPC reads only the path and query of the URL: a fixed origin keeps a bad Host header out.
      const buffered = new BufferedRequest(`http://localhost${url}`, {
        method,
        headers: webHeaders(req),
        signal: aborter.signal,
        ...(body !== undefined && { body }),
      });
      // JSON and GET calls only read what BufferedRequest has; other bodies get a real Request.
      const request = json || body === undefined ? buffered : buffered.toRequest();
      const response = await resolveResponse({
        router,
        req: request as Request,
        path,
        createContext: async () => ctx,
        onError: options.onError,
        error: null,
      });
      res.statusCode = response.status;
      for (const [key, value] of response.headers) res.appendHeader(key, value);
      if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
        const text = await response.text();
        // A text body without a type is text/plain on the fetch path (the web Response's default).
        if (text && !res.hasHeader('content-type')) res.setHeader('content-type', TEXT_PLAIN);
        res.end(text);
        return;
      }
      const stream = response.body;
      if (!stream) return void res.end();
      res.write(reconnectHint);
      const { openStreams } = options;
      if (openStreams) {
        openStreams.inc();
        res.once('close', () => openStreams.dec());
      }
      const reader = stream.getReader();
      const cancel = () => void reader.cancel().catch(() => {});
      res.once('close', cancel);
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (!res.write(value)) await drained(res);
        }
      } catch {
        // The client went away (the reader was cancelled): nothing is left to write to.
      } finally {
        res.off('close', cancel);
        res.end();
      }
    } catch (error) {
      // tRPC answers its own errors; this catches only a failure around it (e.g. a broken socket).
      if (res.headersSent) res.destroy();
      else writeError(res, error, options.logger);
    }
  };
  const { tracer } = options;
  if (!tracer) return answer;
  const route = `${endpoint}/*`;
  const recorded = options.tracesRecorded ?? (() => true);
  return (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!recorded()) return answer(req, res);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const span = startRequestSpan(tracer, {
      method: req.method ?? 'GET',
      path: query < 0 ? url : url.slice(0, query),
      header: (name) => headerValue(req, name),
    });
    // Named and ended when the answer is done: after its last byte, or when the client left.
    res.once('close', () => {
      span.answered(route, res.statusCode);
      span.end();
    });
    return span.run(() => answer(req, res));
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The query of a URL without one (read, never written). */
const NO_QUERY = new URLSearchParams();
/** The query of every httpBatchLink request without input in the URL (a POST), read only. */
const BATCH_QUERY = new URLSearchParams('batch=1');

/** The query of `url` (its `?` at `at`); a batch POST's `?batch=1` is not parsed again. */
function queryOf(url: string, at: number): URLSearchParams {
  return url.length - at === 8 && url.endsWith('?batch=1')
    ? BATCH_QUERY
    : new URLSearchParams(url.slice(at + 1));
}

const ABORTER = Symbol('aborter');

/** A response with the controller that aborts its request's calls when the client leaves. */
interface AbortableResponse extends ServerResponse {
  [ABORTER]?: AbortController;
}

/** 'close' before the answer was all written: the client left. One function for every response. */
function abortUnfinished(this: AbortableResponse): void {
  if (!this.writableFinished) this[ABORTER]?.abort();
}

/** `path` without slashes at either end (a path mostly has none: no regex then). */
function trimSlashes(path: string): string {
  return path.startsWith('/') || path.endsWith('/') ? path.replace(/^\/+|\/+$/g, '') : path;
}

const TEXT_PLAIN = 'text/plain;charset=UTF-8';

const JSON_HEADERS = { vary: 'trpc-accept, accept', 'content-type': 'application/json' };

/** The request's headers as web `Headers` (HTTP/2 pseudo-headers left out). */
export function webHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined || key.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(key, item);
    else headers.set(key, value);
  }
  return headers;
}

/** One request header as `Headers.get` reads it (repeated values joined), or null. */
function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A JSONL (httpBatchStreamLink) request, as tRPC's `getAcceptHeader` sees one. */
function acceptsJsonl(req: IncomingMessage): boolean {
  const trpcAccept = header(req, 'trpc-accept');
  if (trpcAccept !== null) return trpcAccept === 'application/jsonl';
  const accept = header(req, 'accept');
  if (accept === null || !accept.includes('application/jsonl')) return false;
  return accept.split(',').some((type) => type.trim() === 'application/jsonl');
}

function isJson(type: string | null): boolean {
  return type === 'application/json' || (type !== null && /^application\/json\s*(;|$)/i.test(type));
}

/** The whole body as text, or undefined when it is over `maxBytes` (declared or counted). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && !(Number(declared) <= maxBytes)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size <= maxBytes) return;
      // Stop reading; the 413 answer closes the connection, so the rest is never parsed.
      req.off('data', onData);
      req.pause();
      resolve(undefined);
    };
    req.on('data', onData);
    // One chunk (a small body): decoded as it is, not copied into a new buffer first.
    req.on('end', () =>
      resolve(chunks.length === 1 ? String(chunks[0]) : Buffer.concat(chunks, size).toString()),
    );
    req.on('error', reject);
  });
}

/**
 * A `{detail, code}` answer, as the REST surface and the fetch path give before tRPC runs. The
 * connection is closed after it: the rest of the request body may still be unread.
 */
function writeError(res: ServerResponse, error: unknown, logger: Logger): void {
  const info = toReportedPublicError(error, logger);
  res.statusCode = info.httpStatus;
  res.setHeader('content-type', 'application/json');
  res.setHeader('connection', 'close');
  res.end(JSON.stringify(restErrorBody(info)));
}
