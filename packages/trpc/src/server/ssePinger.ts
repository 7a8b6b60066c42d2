import type { ServerResponse } from 'node:http';

/** One open SSE response the pinger watches. */
export interface PingedStream {
  /** Call on every write: the quiet interval starts again. */
  wrote(): void;
  remove(): void;
}

const PING_FRAME = 'event: ping\ndata: \n\n\n';
/** Ticks per ping interval: a stream is pinged after 10 to 11 tenths of the interval of quiet. */
const TICKS = 10;

/**
 * Sends tRPC's `ping` frame to every open SSE stream that wrote nothing for `intervalMs`, from
 * one shared timer (tRPC's producer races a timer against every event of every stream). The
 * timer runs only while a stream is open, and never keeps the process alive.
 */
export class SsePinger {
  readonly #streams = new Set<{ res: ServerResponse; last: number }>();
  readonly #tickMs: number;
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number | undefined) {
    this.#tickMs = intervalMs && intervalMs > 0 ? Math.max(1, intervalMs / TICKS) : 0;
  }

  add(res: ServerResponse): PingedStream {
    const stream = { res, last: this.#tick };
    if (this.#tickMs > 0) {
      this.#streams.add(stream);
      this.#timer ??= setInterval(() => this.#ping(), this.#tickMs).unref();
    }
    return {
      wrote: () => {
        stream.last = this.#tick;
      },
      remove: () => {
        this.#streams.delete(stream);
        if (this.#streams.size > 0 || !this.#timer) return;
        clearInterval(this.#timer);
        this.#timer = undefined;
      },
    };
  }

  #ping(): void {
    this.#tick++;
    for (const stream of this.#streams) {
      if (this.#tick - stream.last <= TICKS) continue;
      stream.last = this.#tick;
      stream.res.write(PING_FRAME);
    }
  }
}
