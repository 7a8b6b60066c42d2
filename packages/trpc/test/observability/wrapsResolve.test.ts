import { ProxyTracerProvider } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AgentOSMetrics } from '../../src/observability/agentOSMetrics.ts';
import { AgentOSTracing } from '../../src/observability/agentOSTracing.ts';
import { combineInstrumentations } from '../../src/observability/combineInstrumentations.ts';
import { MemoryTracing } from './memoryTracing.ts';

// Core resolves an agent without the instrumentation's wrapper (and a sync factory's agent
// without a promise) only when every part says its wrapper would do nothing.

const factory = { agentId: 'f', isFactory: true };
const plain = { agentId: 'p', isFactory: false };

describe('wrapsResolve', () => {
  it('tracing wraps a factory resolve only while a tracer is registered', () => {
    // A proxy provider with no delegate is the API's no-op: no span could be recorded.
    const idle = new AgentOSTracing({ tracerProvider: new ProxyTracerProvider() });
    expect([idle.wrapsResolve(factory), idle.wrapsResolve(plain)]).toEqual([false, false]);
    const live = new AgentOSTracing({ tracerProvider: new MemoryTracing().provider });
    expect([live.wrapsResolve(factory), live.wrapsResolve(plain)]).toEqual([true, false]);
  });

  it('metrics time every factory resolve; combined, any part that wraps decides', () => {
    const metrics = new AgentOSMetrics({ registry: new Registry(), activeRuns: () => 0 });
    expect([metrics.wrapsResolve(factory), metrics.wrapsResolve(plain)]).toEqual([true, false]);
    const idle = new AgentOSTracing({ tracerProvider: new ProxyTracerProvider() });
    const both = combineInstrumentations([idle, metrics]);
    expect([both?.wrapsResolve?.(factory), both?.wrapsResolve?.(plain)]).toEqual([true, false]);
    // A part without the method is taken to wrap every resolve.
    const opaque = { resolveAgent: idle.resolveAgent.bind(idle), observeRun: () => undefined };
    const withOpaque = combineInstrumentations([idle, opaque]);
    expect(withOpaque?.wrapsResolve?.(plain)).toBe(true);
  });
});
