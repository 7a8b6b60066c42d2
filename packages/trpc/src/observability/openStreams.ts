import type { MiddlewareHandler } from 'hono';
import type { Gauge } from 'prom-client';
import { onStreamEnd } from './streamEnd.ts';

/** Counts server-sent event streams (REST and tRPC alike) while they are open. */
export function countOpenStreams(gauge: Gauge): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.get('content-type')?.startsWith('text/event-stream')) return;
    gauge.inc();
    c.res = onStreamEnd(c.res, () => gauge.dec());
  };
}
