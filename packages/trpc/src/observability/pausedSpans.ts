import type { SpanContext } from '@opentelemetry/api';

/**
 * The run spans of runs that paused in this process, by run id, so that the span of their
 * continue can link back. Bounded (the oldest are forgotten first): a continue served by another
 * process, or one that comes after many pauses, starts a span without the link.
 */
export class PausedSpans {
  readonly #byRun = new Map<string, SpanContext>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  remember(runId: string, span: SpanContext): void {
    this.#byRun.delete(runId);
    this.#byRun.set(runId, span);
    if (this.#byRun.size > this.#max) {
      this.#byRun.delete(this.#byRun.keys().next().value as string);
    }
  }

  /** The paused span of `runId`, forgotten once taken (a run continues once per pause). */
  take(runId: string): SpanContext | undefined {
    const span = this.#byRun.get(runId);
    if (span !== undefined) this.#byRun.delete(runId);
    return span;
  }
}
