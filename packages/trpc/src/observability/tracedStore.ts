import type { Store } from '@agentmint/core';
import { type Context, SpanKind, type Tracer } from '@opentelemetry/api';
import { ATTR } from './attributes.ts';
import { observeStoreCalls } from './observeStoreCalls.ts';
import { errorCodeOf, failSpan } from './spanErrors.ts';

/**
 * The run's store with a span (`agentmint.store createRun`, …) under the run for each call that
 * took at least `minMs` or failed. The span is made when the call settles, with the call's own
 * start and end times: a write that takes microseconds (InMemoryDb, SQLite) costs less than its
 * span would, so it gets none unless `minMs` is 0.
 */
export function tracedStore(store: Store, tracer: Tracer, parent: Context, minMs: number): Store {
  return observeStoreCalls(store, (operation, startedAt, failed, error) => {
    const endedAt = performance.now();
    if (!failed && endedAt - startedAt < minMs) return;
    const span = tracer.startSpan(
      `agentmint.store ${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { [ATTR.dbOperation]: operation },
        startTime: startedAt,
      },
      parent,
    );
    // A driver error has no stable code; to a client it is STORE_UNAVAILABLE, so it is here too.
    if (failed) failSpan(span, errorCodeOf(error, 'STORE_UNAVAILABLE'));
    span.end(endedAt);
  });
}
