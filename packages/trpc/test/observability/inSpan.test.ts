import { AgentMintError } from '@agentmint/core';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentOSTracing } from '../../src/observability/agentOSTracing.ts';
import { MemoryTracing } from './memoryTracing.ts';

// `inSpan` wraps authenticate, factory resolve and the operations: its span is the active one
// inside `work`, ends once `work` settles (after `describe` saw the result), and a failure of any
// kind — a rejection or a synchronous throw — rejects with the same error and marks the span.

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe('AgentOSTracing.inSpan', () => {
  it('runs work inside the span, describes the result, then ends the span', async () => {
    const memory = new MemoryTracing();
    const tracing = new AgentOSTracing({ tracerProvider: memory.provider });
    let activeInside: unknown;
    const result = await tracing.inSpan(
      'agentmint.test',
      { 'agentmint.test': 'yes' },
      async (span) => {
        activeInside = trace.getActiveSpan() === span;
        await Promise.resolve();
        return 42;
      },
      (span, value) => span.setAttribute('agentmint.test.result', value),
    );
    expect(result).toBe(42);
    expect(activeInside).toBe(true);
    const [span] = memory.exporter.getFinishedSpans();
    expect(span?.name).toBe('agentmint.test');
    expect(span?.attributes).toEqual({ 'agentmint.test': 'yes', 'agentmint.test.result': 42 });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it.each([
    ['rejects', () => Promise.reject(new AgentMintError('NOT_FOUND', 'no such thing'))],
    [
      'throws synchronously',
      () => {
        throw new AgentMintError('NOT_FOUND', 'no such thing');
      },
    ],
  ])('fails and ends the span with the error’s code when work %s', async (_, work) => {
    const memory = new MemoryTracing();
    const tracing = new AgentOSTracing({ tracerProvider: memory.provider });
    await expect(tracing.inSpan('agentmint.test', {}, work)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const [span] = memory.exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'NOT_FOUND' });
    expect(span?.attributes['agentmint.error.code']).toBe('NOT_FOUND');
  });
});
