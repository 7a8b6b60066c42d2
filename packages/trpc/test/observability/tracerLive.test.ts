import { Agent, AgentFactory, InMemoryDb } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import {
  context,
  ProxyTracerProvider,
  propagation,
  SpanKind,
  type TextMapPropagator,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AgentOS } from '../../src/index.ts';
import { tracerLive } from '../../src/observability/tracerLive.ts';
import { form } from '../fixtures.ts';

// Tracing is on by default, through the global OpenTelemetry API. Until a host registers an SDK,
// AgentOS does no tracing work at all (not even reading `traceparent`); once one is registered,
// the same AgentOS records every span, with no restart.

/** The W3C propagator, counting how often a request's headers are read for a parent. */
class CountingPropagator extends W3CTraceContextPropagator implements TextMapPropagator {
  extracts = 0;
  override extract(...args: Parameters<W3CTraceContextPropagator['extract']>) {
    this.extracts++;
    return super.extract(...args);
  }
}

afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('tracing with no SDK registered', () => {
  it('tells a no-op provider from a real one', () => {
    expect(tracerLive(new ProxyTracerProvider())).toBe(false);
    const proxy = new ProxyTracerProvider();
    proxy.setDelegate(new TracerProvider());
    expect(tracerLive(proxy)).toBe(true);
    expect(tracerLive(new TracerProvider())).toBe(true);
  });

  it('does no tracing work until a host registers an SDK, then records every span', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const propagator = new CountingPropagator();
    propagation.setGlobalPropagator(propagator);
    expect(tracerLive()).toBe(false);
    const agent = new AgentFactory({
      id: 'plain-agent',
      db: new InMemoryDb(),
      factory: () => new Agent({ model: new ScriptedModel() }),
    });
    const os = new AgentOS({ agents: [agent] });
    const server = await os.serve({ port: 0 });
    try {
      const run = async () => {
        const response = await fetch(`${server.url}/agents/plain-agent/runs`, {
          method: 'POST',
          headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
          body: form({ message: 'hello', stream: 'false' }),
        });
        expect(response.status).toBe(200);
        await response.text();
      };
      expect(os.observability.tracesRecorded).toBe(false);
      await run();
      expect(propagator.extracts).toBe(0);

      const exporter = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(
        new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
      );
      expect(os.observability.tracesRecorded).toBe(true);
      await run();
      expect(propagator.extracts).toBe(1);
      const spans = await vi.waitFor(() => {
        const finished = exporter.getFinishedSpans();
        expect(finished.some((s) => s.kind === SpanKind.SERVER)).toBe(true);
        return finished;
      });
      expect(spans.map((s) => s.name)).toEqual(
        expect.arrayContaining([
          'POST /agents/:agentId/runs',
          'agentmint.factory.resolve',
          'invoke_agent plain-agent',
          'chat scripted',
        ]),
      );
    } finally {
      await server.close({ graceMs: 100 });
    }
  });
});
