import type { AgentOSOptions } from '@agentmint/trpc';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/**
 * An in-memory exporter that lets go of each batch once exported, as OTLP does once it is sent:
 * keeping a second of spans (~20k at c=16) would promote every span to the old generation and
 * charge the SDK for GC work no real exporter causes.
 */
class ShippingInMemoryExporter extends InMemorySpanExporter {
  override export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    super.export(spans, done);
    this.reset();
  }
}

export type BenchTracing = 'off' | 'api' | 'sdk';

/** `BENCH_TRACING`: off (no tracing at all), api (the default: API, no SDK), sdk (recording). */
export function benchTracingMode(): BenchTracing {
  const mode = process.env.BENCH_TRACING ?? 'api';
  if (mode === 'off' || mode === 'api' || mode === 'sdk') return mode;
  throw new Error(`BENCH_TRACING must be off, api or sdk, got '${mode}'`);
}

/**
 * The AgentOS `tracing` option for a mode. `sdk` sets the process up as the OpenTelemetry Node SDK
 * would (AsyncLocalStorage context, W3C propagator, batching) with an in-memory exporter, emptied
 * at each export as a real exporter drops a batch once sent, so the heap measures the tracing.
 */
export function benchTracing(mode: BenchTracing): Pick<AgentOSOptions<[]>, 'tracing'> {
  if (mode === 'off') return { tracing: false };
  if (mode === 'api') return {};
  return { tracing: { tracerProvider: benchTracerProvider() } };
}

let globalsSet = false;

/** The `sdk` mode's provider (and the process's context manager and propagator, set once). */
export function benchTracerProvider(): TracerProvider {
  if (!globalsSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    globalsSet = true;
  }
  return new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({ exporter: new ShippingInMemoryExporter() })],
  });
}
