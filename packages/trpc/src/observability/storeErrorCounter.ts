import type { Store } from '@agentmint/core';
import type { Counter } from 'prom-client';
import { observeStoreCalls } from './observeStoreCalls.ts';

/** The run's store, counting its failed calls by operation. */
export function storeErrorCounter(store: Store, errors: Counter<'operation'>): Store {
  return observeStoreCalls(store, (operation, _startedAt, failed) => {
    if (failed) errors.inc({ operation });
  });
}
