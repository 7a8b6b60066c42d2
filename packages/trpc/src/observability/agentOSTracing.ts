import type {
  AgentResolveInfo,
  Instrumentation,
  ResolvedAgent,
  RunObservation,
  RunObserver,
} from '@agentmint/core';
import {
  context,
  type Span,
  SpanKind,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { ATTR } from './attributes.ts';
import { inputShape } from './inputShape.ts';
import { PausedSpans } from './pausedSpans.ts';
import { RunSpans, runAttributes } from './runSpans.ts';
import { errorCodeOf, failSpan } from './spanErrors.ts';
import { tracerLive } from './tracerLive.ts';
import type { TracingOptions } from './tracingOptions.ts';

/** The tracer's name in every span's instrumentation scope. */
export const TRACER_NAME = '@agentmint/trpc';

/**
 * AgentMint's spans on the OpenTelemetry API: authentication, factory resolve, the run with its
 * model and tool calls, and the run's store calls. HTTP request spans come from `requestSpans`.
 */
export class AgentOSTracing implements Instrumentation {
  readonly tracer: Tracer;
  readonly #provider: TracerProvider;
  readonly #recordFactoryInput: boolean;
  readonly #storeSpanMinMs: number;
  readonly #paused = new PausedSpans();

  constructor(options: TracingOptions = {}) {
    this.#provider = options.tracerProvider ?? trace.getTracerProvider();
    this.tracer = this.#provider.getTracer(TRACER_NAME);
    this.#recordFactoryInput = options.recordFactoryInput ?? false;
    this.#storeSpanMinMs = options.storeSpanMinMs ?? 1;
  }

  /**
   * Whether spans can be recorded now: false while the provider is the OpenTelemetry API's no-op
   * (no SDK registered yet), and then every traced path skips its tracing work. Cheap enough to
   * ask per request; it turns true as soon as a host registers an SDK.
   */
  get live(): boolean {
    return tracerLive(this.#provider);
  }

  /** Runs `verify` in an `agentmint.authenticate` span; a rejected credential marks it failed. */
  authenticate<T>(source: string, verify: () => Promise<T>): Promise<T> {
    if (!this.live) return verify();
    return this.inSpan('agentmint.authenticate', { [ATTR.authSource]: source }, () => verify());
  }

  /** A resolve is traced only for a factory while a tracer is registered. */
  wrapsResolve(info: AgentResolveInfo): boolean {
    return info.isFactory && this.live;
  }

  resolveAgent(
    info: AgentResolveInfo,
    resolve: () => Promise<ResolvedAgent>,
  ): Promise<ResolvedAgent> {
    // A plain agent is shared, not built: no span for a lookup.
    if (!info.isFactory || !this.live) return resolve();
    const attributes = { [ATTR.agentId]: info.agentId, [ATTR.isFactory]: true };
    return this.inSpan('agentmint.factory.resolve', attributes, resolve, this.#describeResolved);
  }

  // The run and session ids are on the run span beside it; the input's shape (or, opted in, the
  // input) is known once the factory resolved.
  readonly #describeResolved = (span: Span, resolved: ResolvedAgent): void => {
    const { input } = resolved.ctx;
    if (input === undefined) return;
    span.setAttribute(ATTR.factoryInputShape, inputShape(input));
    if (this.#recordFactoryInput) {
      span.setAttribute(ATTR.factoryInput, JSON.stringify(input) ?? 'undefined');
    }
  };

  observeRun(observation: RunObservation): RunObserver | undefined {
    if (!this.live) return undefined;
    const parent = context.active();
    // A continue of a run paused in this process: its span links to the paused one.
    const pausedAt = this.#paused.take(observation.ids.runId);
    const options: SpanOptions = {
      kind: SpanKind.INTERNAL,
      attributes: runAttributes(observation),
    };
    if (pausedAt) options.links = [{ context: pausedAt }];
    const run = this.tracer.startSpan(`invoke_agent ${observation.ids.agentId}`, options, parent);
    // Not sampled (or no SDK): no per-event work at all for this run.
    if (!run.isRecording()) return undefined;
    return new RunSpans(this.tracer, run, parent, observation, {
      storeSpanMinMs: this.#storeSpanMinMs,
      paused: this.#paused,
    });
  }

  /**
   * An active span around `work` (children nest under it), failed with the thrown error's code;
   * `describe` adds what the result tells before the span ends. One `then` on `work`'s promise,
   * not an async wrapper (a traced request makes a few of these).
   */
  inSpan<T>(
    name: string,
    attributes: Record<string, string | boolean>,
    work: (span: Span) => Promise<T>,
    describe?: (span: Span, result: T) => void,
  ): Promise<T> {
    const parent = context.active();
    const span = this.tracer.startSpan(name, { attributes }, parent);
    const failed = (error: unknown): never => {
      failSpan(span, errorCodeOf(error));
      span.end();
      throw error;
    };
    let pending: Promise<T>;
    try {
      pending = context.with(trace.setSpan(parent, span), work, undefined, span);
    } catch (error) {
      return Promise.reject(error).catch(failed);
    }
    return pending.then((result) => {
      describe?.(span, result);
      span.end();
      return result;
    }, failed);
  }
}
