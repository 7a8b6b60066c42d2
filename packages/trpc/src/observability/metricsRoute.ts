import { createHash, timingSafeEqual } from 'node:crypto';
import type { Handler } from 'hono';
import type { AgentOSMetrics } from './agentOSMetrics.ts';

/**
 * GET handler for the Prometheus text exposition. With a token, only `Authorization: Bearer
 * <token>` is let in (401 otherwise, AgentMint's error shape), compared in constant time.
 */
export function metricsRoute(metrics: AgentOSMetrics, token: string | undefined): Handler {
  const expected = token === undefined ? undefined : digest(token);
  return async (c) => {
    if (expected !== undefined) {
      const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return c.json(
          {
            detail: 'The metrics route needs `Authorization: Bearer <metrics token>`',
            code: 'UNAUTHENTICATED',
          },
          401,
        );
      }
    }
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.exposition());
  };
}

// Equal-length digests, so the comparison time says nothing about the token's length.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
