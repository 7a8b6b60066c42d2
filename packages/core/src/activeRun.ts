import type { DistributiveOmit } from './distributiveOmit.ts';
import type { EventWriter } from './eventWriter.ts';
import type { RunObserver } from './instrumentation/instrumentation.ts';
import type { RunEvent, RunEventBase, RunEventName } from './runEvent.ts';
import { isSegmentEndEvent } from './runEvent.ts';
import type { RunEventDraft } from './runLoop.ts';
import type { RunOutput } from './runOutput.ts';

export interface ActiveRunIds {
  readonly runId: string;
  readonly sessionId: string;
  readonly agentId: string;
  readonly userId: string | null;
}

/**
 * A run in progress in this process: its events so far (for live subscribers and resume), the
 * controller that cancels it, and the promise of its output. A continued run is a new ActiveRun
 * for the same run id whose events go on after `firstSeq` (the pause's RunPaused); it ends with a
 * terminal event or with RunPaused.
 */
export class ActiveRun {
  readonly ids: ActiveRunIds;
  readonly controller: AbortController;
  readonly done: Promise<RunOutput>;
  readonly #events: RunEvent[] = [];
  readonly #writer: EventWriter;
  /** Resolves `#changed`; both exist only while a subscriber waits for the next event. */
  #wake: (() => void) | undefined;
  #changed: Promise<void> | undefined;
  #subscribers = 0;
  #detachTimer: NodeJS.Timeout | undefined;
  #settle!: (output: RunOutput) => void;
  /** The ending the store holds when another process ended this run first (see `endedElsewhere`). */
  #storedEnding: RunEvent | undefined;
  readonly #observer: RunObserver | undefined;
  /** The seq of the last event before this segment (0 for a new run). */
  readonly firstSeq: number;

  constructor(
    ids: ActiveRunIds,
    controller: AbortController,
    writer: EventWriter,
    observer?: RunObserver,
    firstSeq = 0,
  ) {
    this.ids = ids;
    this.firstSeq = firstSeq;
    this.controller = controller;
    this.#writer = writer;
    this.#observer = observer;
    this.done = new Promise<RunOutput>((resolve) => {
      this.#settle = resolve;
    });
  }

  get finished(): boolean {
    const last = this.#events.at(-1);
    return last !== undefined && isSegmentEndEvent(last);
  }

  /** Stamps an event with its sequence, time and ids; records, stores and broadcasts it. */
  emit(draft: RunEventDraft): RunEvent {
    if (this.finished) throw new Error(`run ${this.ids.runId} already ended`);
    const event = {
      ...(draft as DistributiveOmit<RunEvent, keyof RunEventBase<RunEventName>>),
      seq: this.firstSeq + this.#events.length + 1,
      createdAt: Date.now(),
      agentId: this.ids.agentId,
      runId: this.ids.runId,
      sessionId: this.ids.sessionId,
    } as RunEvent;
    this.#events.push(event);
    // The terminal (or pause) event is stored with the row, in one write (finishRun, pauseRun).
    if (!isSegmentEndEvent(event)) this.#writer.push(event);
    this.#observer?.onEvent(event);
    // Most runs have no live watcher: no promise per event unless someone is waiting for one.
    const wake = this.#wake;
    if (wake) {
      this.#wake = undefined;
      this.#changed = undefined;
      wake();
    }
    return event;
  }

  /** Waits until every emitted event but the terminal one is stored. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Issues the events not yet written unless an append is in flight; true when all are issued. */
  issueEvents(): boolean {
    return this.#writer.issueAll();
  }

  /**
   * The run was ended elsewhere before this process could write its own ending (a cancel, or a
   * sweep that took a stalled process for dead): live subscribers end with the stored ending.
   */
  endedElsewhere(storedEnding: RunEvent): void {
    this.#storedEnding = storedEnding;
  }

  settle(output: RunOutput): void {
    clearTimeout(this.#detachTimer);
    this.#settle(output);
  }

  cancel(reason: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(new RunCancelledSignal(reason));
  }

  /** The run's output; if `signal` aborts first (the client gave up), the run is cancelled. */
  outcome(signal: AbortSignal | undefined): Promise<RunOutput> {
    if (!signal) return this.done;
    const cancel = () => this.cancel('client disconnected');
    if (signal.aborted) {
      cancel();
      return this.done;
    }
    signal.addEventListener('abort', cancel, { once: true });
    // `done` never rejects: a `then` is all the cleanup needs (no async frame, one turn less).
    return this.done.then((output) => {
      signal.removeEventListener('abort', cancel);
      return output;
    });
  }

  /**
   * Events with `seq > afterSeq`, live until the terminal event. When the last subscriber leaves
   * and `cancelAfterMs` is set, the run is cancelled unless someone re-subscribes in time.
   */
  async *subscribe(afterSeq = 0, cancelAfterMs?: number): AsyncGenerator<RunEvent> {
    this.#subscribers++;
    clearTimeout(this.#detachTimer);
    // Events are stored at index seq - firstSeq - 1, so `seq > afterSeq` starts at floor(afterSeq) - firstSeq.
    let index = Math.max(0, (afterSeq > 0 ? Math.floor(afterSeq) : 0) - this.firstSeq);
    try {
      while (true) {
        while (index < this.#events.length) {
          const event = this.#events[index++]!;
          if (isSegmentEndEvent(event)) {
            // Sent once the row is final, and as stored: every watcher sees the same ending.
            await this.done;
            yield this.#storedEnding ?? event;
            return;
          }
          yield event;
        }
        // Resuming after the terminal event: nothing more will come.
        if (this.finished) return;
        this.#changed ??= this.#nextChange();
        await this.#changed;
      }
    } finally {
      if (--this.#subscribers === 0 && cancelAfterMs !== undefined && !this.finished) {
        this.#detachTimer = setTimeout(() => this.cancel('client disconnected'), cancelAfterMs);
        this.#detachTimer.unref();
      }
    }
  }

  #nextChange(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }
}

/** The abort reason of a cancelled run, so the loop can tell a cancel from a failure. */
export class RunCancelledSignal extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RunCancelledSignal';
  }
}
