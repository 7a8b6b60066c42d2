import type { Store } from '@agentmint/core';

/** Told when a store call starts; returns what to call when it settles (`error` set on failure). */
export type StoreCallWatcher = (operation: string) => StoreCallDone;
export type StoreCallDone = (failed: boolean, error?: unknown) => void;

/**
 * The store with `watch` told of every method call and its outcome (sync or async). A Proxy, not
 * a class: a store's own extra methods pass through too, and calls keep the store as `this`.
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
    const done = watch(operation);
    let result: unknown;
    try {
      result = method.apply(store, args);
    } catch (error) {
      done(true, error);
      throw error;
    }
    if (!isThenable(result)) {
      done(false);
      return result;
    }
    return result.then(
      (value) => {
        done(false);
        return value;
      },
      (error: unknown) => {
        done(true, error);
        throw error;
      },
    );
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
