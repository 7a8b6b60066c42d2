import type { ActiveRunIds } from '../activeRun.ts';
import type { ResolvedAgent } from '../resolveAgent.ts';
import type { RunEvent } from '../runEvent.ts';
import type { Store } from '../store.ts';

/**
 * Hooks a host uses to trace and measure runs. Core stays free of any telemetry library: the
 * OpenTelemetry spans and Prometheus metrics of @agentmint/trpc implement this interface. Without
 * one, the run path does not allocate or call anything for telemetry.
 */
export interface Instrumentation {
  /** Wraps one factory resolve (input validation, the factory call, post-resolve). */
  resolveAgent(
    info: AgentResolveInfo,
    resolve: () => Promise<ResolvedAgent>,
  ): Promise<ResolvedAgent>;
  /**
   * False when `resolveAgent` would do nothing but call `resolve` for this agent now (e.g. no
   * tracer registered): the resolve then runs unwrapped, and a sync factory's agent is had without
   * a promise. Omitted: every resolve is wrapped.
   */
  wrapsResolve?(info: AgentResolveInfo): boolean;
  /**
   * Called once per run, before its record is written, in the caller's async context. Returns the
   * observer for its events, or undefined to leave the run alone (e.g. a trace not sampled).
   */
  observeRun(info: RunObservation): RunObserver | undefined;
}

export interface AgentResolveInfo {
  readonly agentId: string;
  /** False for a plain agent (shared, nothing is built). */
  readonly isFactory: boolean;
}

export interface RunObservation {
  readonly ids: ActiveRunIds;
  readonly model: { readonly id: string; readonly provider: string };
}

/** Sees one run as it happens. Every method is synchronous and must not throw. */
export interface RunObserver {
  /** Each event, as the run emits it (stamped with seq, time and ids). */
  onEvent(event: RunEvent): void;
  /** The run never started: its record could not be written (`error` is what the store threw). */
  onStartFailed(error: unknown): void;
  /** The store this run writes to, wrapped (spans, error counts); called once per run. */
  wrapStore?(store: Store): Store;
  /**
   * Runs a piece of a model or tool call's own work (the model request, each pull of a streamed
   * answer, the tool's `execute`) so that what it starts is attributed to that call: a host's
   * instrumented HTTP client or a tool's own spans then nest under the call's span. Called after
   * the call's started event; must return what `work` returns.
   */
  within?<T>(call: ObservedCall, work: () => T): T;
}

/** Which call `RunObserver.within` is running work for. */
export type ObservedCall =
  | { readonly kind: 'model' }
  | { readonly kind: 'tool'; readonly toolCallId: string };

/** `RunObserver.within`, detached from its observer (what the run loop is given). */
export type CallScope = <T>(call: ObservedCall, work: () => T) => T;
