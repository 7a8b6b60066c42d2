import type {
  AgentResolveInfo,
  Instrumentation,
  ObservedCall,
  ResolvedAgent,
  RunEvent,
  RunObservation,
  RunObserver,
  Store,
} from '@agentmint/core';

/** One Instrumentation over several (tracing and metrics); undefined when there are none. */
export function combineInstrumentations(
  parts: readonly Instrumentation[],
): Instrumentation | undefined {
  if (parts.length <= 1) return parts[0];
  return {
    resolveAgent: (info: AgentResolveInfo, resolve: () => Promise<ResolvedAgent>) =>
      parts.reduceRight<() => Promise<ResolvedAgent>>(
        (inner, part) => () => part.resolveAgent(info, inner),
        resolve,
      )(),
    // Unwrapped only when no part wraps it (a part without the method always does).
    wrapsResolve: (info: AgentResolveInfo) =>
      parts.some((part) => part.wrapsResolve?.(info) !== false),
    observeRun(observation: RunObservation): RunObserver | undefined {
      const observers: RunObserver[] = [];
      for (const part of parts) {
        const observer = part.observeRun(observation);
        if (observer) observers.push(observer);
      }
      return observers.length <= 1 ? observers[0] : new RunObservers(observers);
    },
  };
}

class RunObservers implements RunObserver {
  readonly #observers: readonly RunObserver[];

  constructor(observers: readonly RunObserver[]) {
    this.#observers = observers;
  }

  onEvent(event: RunEvent): void {
    for (const observer of this.#observers) observer.onEvent(event);
  }

  onStartFailed(error: unknown): void {
    for (const observer of this.#observers) observer.onStartFailed(error);
  }

  wrapStore(store: Store): Store {
    return this.#observers.reduce((inner, observer) => observer.wrapStore?.(inner) ?? inner, store);
  }

  within<T>(call: ObservedCall, work: () => T): T {
    return this.#observers.reduceRight<() => T>(
      (inner, observer) => (observer.within ? () => observer.within!(call, inner) : inner),
      work,
    )();
  }
}
