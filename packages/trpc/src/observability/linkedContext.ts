import type { Context } from '@opentelemetry/api';

/**
 * An OpenTelemetry `Context` that holds one value and points at its parent. The API's own
 * (`ROOT_CONTEXT`'s class) copies every value into a new `Map` and makes three closures per
 * `setValue`; a traced run sets four (the request, resolve, run and model call spans), so this
 * one allocates one small object instead. Same behaviour through the `Context` interface: the
 * nearest value wins, a deleted one reads `undefined`, and a parent never changes.
 */
class LinkedContext implements Context {
  readonly #parent: Context | undefined;
  readonly #key: symbol | undefined;
  readonly #value: unknown;

  constructor(parent: Context | undefined, key: symbol | undefined, value: unknown) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
  }

  getValue(key: symbol): unknown {
    if (key === this.#key) return this.#value;
    return this.#parent?.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, undefined);
  }
}

/**
 * A context with no values, like `ROOT_CONTEXT`, whose descendants (`trace.setSpan`, a
 * propagator's `extract`) are cheap `LinkedContext`s: the root of a request's trace context.
 */
export const EMPTY_CONTEXT: Context = new LinkedContext(undefined, undefined, undefined);
