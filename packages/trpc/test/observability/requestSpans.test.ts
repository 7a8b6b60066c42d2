import { SpanKind } from '@opentelemetry/api';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestSpans } from '../../src/observability/requestSpans.ts';
import { MemoryTracing } from './memoryTracing.ts';

// The request span middleware on a bare Hono app: a plain answer goes out as the very object the
// handler made (Hono rebuilds a response from its body when `c.res` is set again, and on
// @hono/node-server reading the body turns a string into a web stream to pump).

describe('requestSpans', () => {
  it('leaves a plain answer as the handler made it and ends the span', async () => {
    const tracing = new MemoryTracing();
    const app = new Hono();
    app.use('*', requestSpans(tracing.provider.getTracer('test')));
    let answered: Response | undefined;
    app.get('/things/:id', (c) => {
      answered = c.json({ ok: true });
      Object.defineProperty(answered, 'body', {
        get: () => {
          throw new Error('the body of a plain answer was read');
        },
      });
      return answered;
    });
    const response = await app.request('/things/7');
    expect(response).toBe(answered);
    const [span] = await tracing.spans();
    expect(span).toMatchObject({
      name: 'GET /things/:id',
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/things/:id', 'http.response.status_code': 200 },
    });
  });
});
