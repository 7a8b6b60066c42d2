import type { AgentOSOptions } from '@agentmint/trpc';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';

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
 * every second so the heap measures the tracing, not a growing span list.
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
  const exporter = new InMemorySpanExporter();
  setInterval(() => exporter.reset(), 1_000).unref();
  return new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
}
