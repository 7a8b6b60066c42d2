import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Context as HonoContext, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { ATTR } from './attributes.ts';
import { onStreamEnd } from './streamEnd.ts';

// Reads only the propagation headers the global propagator asks for (W3C `traceparent`, …).
const headerGetter: TextMapGetter<HonoContext> = {
  get: (c, key) => c.req.header(key),
  keys: () => [],
};

/**
 * A SERVER span per HTTP request (REST, tRPC, and any later transport on the same app), child of
 * the caller's W3C `traceparent` when one came. Records method, route, path and status; never
 * headers, query strings or bodies. A streamed (SSE) response's span lasts until the stream ends.
 */
export function requestSpans(tracer: Tracer): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const parent = propagation.extract(ROOT_CONTEXT, c, headerGetter);
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR.httpMethod]: method, [ATTR.urlPath]: c.req.path },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    }
    // After the chain, the current route is the one whose handler answered.
    const route = routePath(c);
    span.updateName(`${method} ${route}`);
    span.setAttribute(ATTR.httpRoute, route);
    const status = c.res.status;
    span.setAttribute(ATTR.httpStatus, status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    if (!span.isRecording()) return span.end();
    c.res = onStreamEnd(c.res, () => span.end());
  };
}
