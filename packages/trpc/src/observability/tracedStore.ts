import type { Store } from '@agentmint/core';
import { type Context, SpanKind, type Tracer } from '@opentelemetry/api';
import { ATTR } from './attributes.ts';
import { observeStoreCalls } from './observeStoreCalls.ts';
import { errorCodeOf, failSpan } from './spanErrors.ts';

/** The run's store with a span around every call (`agentmint.store createRun`, …) under the run. */
export function tracedStore(store: Store, tracer: Tracer, parent: Context): Store {
  return observeStoreCalls(store, (operation) => {
    const span = tracer.startSpan(
      `agentmint.store ${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { [ATTR.dbOperation]: operation, [ATTR.storeId]: store.id },
      },
      parent,
    );
    return (failed, error) => {
      // A driver error has no stable code; to a client it is STORE_UNAVAILABLE, so it is here too.
      if (failed) failSpan(span, errorCodeOf(error, 'STORE_UNAVAILABLE'));
      span.end();
    };
  });
}
