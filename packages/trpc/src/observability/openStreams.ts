import type { MiddlewareHandler } from 'hono';
import type { Gauge } from 'prom-client';
import { isEventStream, onStreamEnd } from './streamEnd.ts';

/** Counts server-sent event streams (REST and tRPC alike) while they are open. */
export function countOpenStreams(gauge: Gauge): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!isEventStream(c.res)) return;
    gauge.inc();
    c.res = onStreamEnd(c.res, () => gauge.dec());
  };
}
