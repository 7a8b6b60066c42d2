import type { Store } from '@agentmint/core';
import type { Counter } from 'prom-client';
import { observeStoreCalls, type StoreCallDone } from './observeStoreCalls.ts';

/** The run's store, counting its failed calls by operation. */
export function storeErrorCounter(store: Store, errors: Counter<'operation'>): Store {
  const doneByOperation = new Map<string, StoreCallDone>();
  return observeStoreCalls(store, (operation) => {
    let done = doneByOperation.get(operation);
    if (!done) {
      done = (failed) => {
        if (failed) errors.inc({ operation });
      };
      doneByOperation.set(operation, done);
    }
    return done;
  });
}
