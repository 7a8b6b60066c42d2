import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { ATTR } from './attributes.ts';
import { EMPTY_CONTEXT } from './linkedContext.ts';
import { onStreamEnd } from './streamEnd.ts';

/** The parts of a request a SERVER span records or reads its parent from (Hono's `c.req` is one). */
export interface SpannedRequest {
  readonly method: string;
  /** The URL's path, without the query string. */
  readonly path: string;
  /** A request header by lower-case name (propagation reads `traceparent`, …). */
  header(name: string): string | undefined;
}

/** A request's SERVER span, as `startRequestSpan` opens it. */
export interface RequestSpan {
  /** Runs the handler with the span as the active one (its children nest under it). */
  run<T>(handler: () => T): T;
  /** Names the span after the route that answered and records the status. */
  answered(route: string, status: number): void;
  /** Whether the span is recorded (a streamed answer then ends it with `end`). */
  readonly recording: boolean;
  /** Ends the span; later calls do nothing. */
  end(): void;
  /** Marks the span failed and ends it (the handler threw). */
  fail(): void;
}

// Reads only the propagation headers the global propagator asks for (W3C `traceparent`, …).
const headerGetter: TextMapGetter<SpannedRequest> = {
  get: (request, key) => request.header(key),
  keys: () => [],
};

/**
 * Opens the SERVER span of one HTTP request, child of the caller's W3C `traceparent` when one
 * came. Records method, route, path and status; never headers, query strings or bodies. Shared by
 * the Hono middleware and serve()'s node:http tRPC path, so both give the same span.
 */
export function startRequestSpan(tracer: Tracer, request: SpannedRequest): RequestSpan {
  return new ServerSpan(tracer, request);
}

/** One object per request (not a handful of closures): it is made for every request traced. */
class ServerSpan implements RequestSpan {
  readonly #span: Span;
  readonly #active: Context;
  readonly #method: string;
  #ended = false;

  constructor(tracer: Tracer, request: SpannedRequest) {
    const method = request.method;
    // A fresh trace context (the caller's, if it sent one), of the cheap kind its children share.
    const parent = propagation.extract(EMPTY_CONTEXT, request, headerGetter);
    this.#method = method;
    this.#span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR.httpMethod]: method, [ATTR.urlPath]: request.path },
      },
      parent,
    );
    this.#active = trace.setSpan(parent, this.#span);
  }

  run<T>(handler: () => T): T {
    return context.with(this.#active, handler);
  }

  answered(route: string, status: number): void {
    const span = this.#span;
    span.updateName(`${this.#method} ${route}`);
    span.setAttribute(ATTR.httpRoute, route);
    span.setAttribute(ATTR.httpStatus, status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }

  get recording(): boolean {
    return !this.#ended && this.#span.isRecording();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#span.end();
  }

  fail(): void {
    if (this.#ended) return;
    this.#span.setStatus({ code: SpanStatusCode.ERROR });
    this.end();
  }
}

/** The node:http response under @hono/node-server (its `env`), to end the span when it closes. */
interface NodeServerEnv {
  readonly outgoing?: { once(event: 'close', listener: () => void): unknown };
}

/**
 * A SERVER span per HTTP request (REST, tRPC, and any later transport on the same app). Under
 * @hono/node-server (AgentOS `serve()`, or a host passing `env` on) the span ends when Node has
 * sent the answer or the client left, as serve()'s tRPC path does, without looking into the
 * response; elsewhere a streamed (SSE) response's span lasts until the stream ends.
 */
export function requestSpans(tracer: Tracer): MiddlewareHandler {
  return async (c, next) => {
    const span = startRequestSpan(tracer, c.req);
    const outgoing = (c.env as NodeServerEnv | undefined)?.outgoing;
    outgoing?.once('close', () => span.end());
    try {
      await span.run(next);
    } catch (error) {
      span.fail();
      throw error;
    }
    // After the chain, the current route is the one whose handler answered.
    span.answered(routePath(c), c.res.status);
    if (outgoing) return;
    if (!span.recording) return span.end();
    const response = onStreamEnd(c.res, () => span.end());
    // Setting `c.res` makes Hono rebuild the response from its body: only for a wrapped stream.
    if (response !== c.res) c.res = response;
  };
}
