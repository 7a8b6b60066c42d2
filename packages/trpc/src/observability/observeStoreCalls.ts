import type { Store } from '@agentmint/core';

/**
 * Told once per store method call, when it settles (sync or async): the method's name, when the
 * call started (`performance.now()`), and the error when it failed. One function for all calls,
 * so a call costs no closure of its own.
 */
export type StoreCallWatcher = (
  operation: string,
  startedAt: number,
  failed: boolean,
  error?: unknown,
) => void;

/**
 * The store with `watch` told of every method call's outcome. A Proxy, not a class: a store's own
 * extra methods pass through too, and calls keep the store as `this`.
 */
export function observeStoreCalls(store: Store, watch: StoreCallWatcher): Store {
  const wrapped = new Map<string, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let observed = wrapped.get(property);
      if (!observed) {
        observed = observeCall(value as (...args: unknown[]) => unknown, target, property, watch);
        wrapped.set(property, observed);
      }
      return observed;
    },
  });
}

function observeCall(
  method: (...args: unknown[]) => unknown,
  store: Store,
  operation: string,
  watch: StoreCallWatcher,
): (...args: unknown[]) => unknown {
  return (...args) => {
    const startedAt = performance.now();
    let result: unknown;
    try {
      result = method.apply(store, args);
    } catch (error) {
      watch(operation, startedAt, true, error);
      throw error;
    }
    if (!isThenable(result)) {
      watch(operation, startedAt, false);
      return result;
    }
    return result.then(
      (value) => {
        watch(operation, startedAt, false);
        return value;
      },
      (error: unknown) => {
        watch(operation, startedAt, true, error);
        throw error;
      },
    );
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
