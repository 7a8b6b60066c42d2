import {
  context,
  propagation,
  ROOT_CONTEXT,
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
import { onStreamEnd } from './streamEnd.ts';

/** The parts of a request a SERVER span records or reads its parent from. */
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
  /** Names the span after the route that answered and records the status; ends it unless streamed. */
  answered(route: string, status: number): void;
  /** Whether the span is recorded (a streamed answer then ends it with `end`). */
  readonly recording: boolean;
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
  const { method } = request;
  const parent = propagation.extract(ROOT_CONTEXT, request, headerGetter);
  const span: Span = tracer.startSpan(
    method,
    {
      kind: SpanKind.SERVER,
      attributes: { [ATTR.httpMethod]: method, [ATTR.urlPath]: request.path },
    },
    parent,
  );
  const active = trace.setSpan(parent, span);
  return {
    run: (handler) => context.with(active, handler),
    answered(route, status) {
      span.updateName(`${method} ${route}`);
      span.setAttribute(ATTR.httpRoute, route);
      span.setAttribute(ATTR.httpStatus, status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    },
    get recording() {
      return span.isRecording();
    },
    end: () => span.end(),
    fail() {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

/**
 * A SERVER span per HTTP request (REST, tRPC, and any later transport on the same app). A
 * streamed (SSE) response's span lasts until the stream ends.
 */
export function requestSpans(tracer: Tracer): MiddlewareHandler {
  return async (c, next) => {
    const span = startRequestSpan(tracer, {
      method: c.req.method,
      path: c.req.path,
      header: (name) => c.req.header(name),
    });
    try {
      await span.run(next);
    } catch (error) {
      span.fail();
      throw error;
    }
    // After the chain, the current route is the one whose handler answered.
    span.answered(routePath(c), c.res.status);
    if (!span.recording) return span.end();
    const response = onStreamEnd(c.res, () => span.end());
    // Setting `c.res` makes Hono rebuild the response from its body: only for a wrapped stream.
    if (response !== c.res) c.res = response;
  };
}
