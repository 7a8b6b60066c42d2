import type { Instrumentation } from '@agentmint/core';
import type { Hono } from 'hono';
import type { AgentOperations } from '../operations/agentOperations.ts';
import { AgentOSMetrics } from './agentOSMetrics.ts';
import { AgentOSTracing } from './agentOSTracing.ts';
import { combineInstrumentations } from './combineInstrumentations.ts';
import type { MetricsOptions } from './metricsOptions.ts';
import { metricsRoute } from './metricsRoute.ts';
import { countOpenStreams } from './openStreams.ts';
import { requestSpans } from './requestSpans.ts';
import { traceOperations } from './tracedOperations.ts';
import type { TracingOptions } from './tracingOptions.ts';

export interface ObservabilityOptions {
  /**
   * OpenTelemetry spans through `@opentelemetry/api`. Default on: they cost next to nothing until
   * the host registers an SDK (no per-event work for a run that is not recorded). `false` turns
   * them off altogether.
   */
  readonly tracing?: boolean | TracingOptions | undefined;
  /** Prometheus metrics at `GET /metrics` (prom-client). Default off. */
  readonly metrics?: boolean | MetricsOptions | undefined;
  /** Hooks of your own on every resolve and run (run logs, audit, custom metrics). */
  readonly instrumentation?: Instrumentation | readonly Instrumentation[] | undefined;
}

/** Tracing and metrics of one AgentOS: the runtime's instrumentation and the HTTP side. */
export class AgentOSObservability {
  readonly tracing: AgentOSTracing | undefined;
  readonly metrics: AgentOSMetrics | undefined;
  /** Handed to the AgentRuntime; undefined when both are off. */
  readonly instrumentation: Instrumentation | undefined;
  readonly #metricsOptions: MetricsOptions;

  constructor(options: ObservabilityOptions, activeRuns: () => number) {
    const tracing = options.tracing ?? true;
    this.tracing =
      tracing === false ? undefined : new AgentOSTracing(tracing === true ? {} : tracing);
    const metrics = options.metrics ?? false;
    this.#metricsOptions = typeof metrics === 'object' ? metrics : {};
    this.metrics =
      metrics === false
        ? undefined
        : new AgentOSMetrics({ registry: this.#metricsOptions.registry, activeRuns });
    const own = options.instrumentation;
    this.instrumentation = combineInstrumentations(
      [this.tracing, this.metrics, ...(Array.isArray(own) ? own : [own])].filter(
        (part): part is Instrumentation => part !== undefined,
      ),
    );
  }

  /**
   * Whether this AgentOS records spans now: tracing is on and a real tracer provider is behind it
   * (not the OpenTelemetry API's no-op). A few property reads; false means no tracing work at all,
   * so a transport may take a path without span hooks for this request.
   */
  get tracesRecorded(): boolean {
    return this.tracing?.live ?? false;
  }

  /** Puts spans on the operations' reads and session changes when tracing is on. */
  traceOperations(operations: AgentOperations): void {
    if (this.tracing) traceOperations(operations, this.tracing);
  }

  /** Verifies a credential inside an `agentmint.authenticate` span when tracing is on. */
  authenticate<T>(source: string, verify: () => Promise<T>): Promise<T> {
    return this.tracing ? this.tracing.authenticate(source, verify) : verify();
  }

  /** The metrics route (untraced: scrapes are not requests worth a trace), then request spans. */
  mount(app: Hono): void {
    if (this.metrics) {
      app.get(
        this.#metricsOptions.path ?? '/metrics',
        metricsRoute(this.metrics, this.#metricsOptions.token),
      );
      app.use('*', countOpenStreams(this.metrics.openStreams));
    }
    const tracing = this.tracing;
    if (tracing) {
      const spans = requestSpans(tracing.tracer);
      // No SDK registered: not even the propagation headers are read.
      app.use('*', (c, next) => (tracing.live ? spans(c, next) : next()));
    }
  }
}
