import { SpanKind } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { expect, vi } from 'vitest';

/** An SDK tracer provider that keeps every finished span in memory, for a test to read. */
export class MemoryTracing {
  readonly exporter = new InMemorySpanExporter();
  readonly provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: this.exporter })],
  });

  /** The finished spans once `requests` request (SERVER) spans have ended: they end last. */
  spans(requests = 1): Promise<ReadableSpan[]> {
    return vi.waitFor(() => {
      const spans = this.exporter.getFinishedSpans();
      expect(spans.filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(requests);
      return spans;
    });
  }
}
