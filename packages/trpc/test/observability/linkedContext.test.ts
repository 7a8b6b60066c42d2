import { createContextKey, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { EMPTY_CONTEXT } from '../../src/observability/linkedContext.ts';

const A = createContextKey('test a');
const B = createContextKey('test b');

describe('EMPTY_CONTEXT (a linked OpenTelemetry context)', () => {
  it('reads like ROOT_CONTEXT after the same sets and deletes', () => {
    const steps = (root: typeof ROOT_CONTEXT) => {
      const one = root.setValue(A, 1);
      const two = one.setValue(B, 2).setValue(A, 3);
      const gone = two.deleteValue(A);
      return [
        root.getValue(A),
        one.getValue(A),
        one.getValue(B),
        two.getValue(A),
        two.getValue(B),
        gone.getValue(A),
        gone.getValue(B),
      ];
    };
    expect(steps(EMPTY_CONTEXT)).toEqual(steps(ROOT_CONTEXT));
    expect(steps(EMPTY_CONTEXT)).toEqual([undefined, 1, undefined, 3, 2, undefined, 2]);
  });

  it('carries a span and a caller’s W3C traceparent like ROOT_CONTEXT', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const extracted = new W3CTraceContextPropagator().extract(
      EMPTY_CONTEXT,
      { traceparent },
      { get: (carrier, key) => carrier[key as 'traceparent'], keys: () => ['traceparent'] },
    );
    expect(trace.getSpanContext(extracted)).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      isRemote: true,
    });
    const span = trace.wrapSpanContext(trace.getSpanContext(extracted)!);
    expect(trace.getSpan(trace.setSpan(EMPTY_CONTEXT, span))).toBe(span);
    expect(trace.getSpan(trace.deleteSpan(trace.setSpan(EMPTY_CONTEXT, span)))).toBeUndefined();
    expect(propagation.getBaggage(EMPTY_CONTEXT)).toBeUndefined();
  });
});
