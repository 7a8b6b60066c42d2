import type { ServerResponse } from 'node:http';

/** Corked bytes that leave before the tick ends: the first events need not wait for the rest. */
const FIRST_FLUSH_CHARS = 4_096;
/** Then a backlog leaves in writes of about this much: under the socket's 16 KB high-water mark, so
 * a write is sent before it reports back-pressure (which would wait for the tick's end). */
const LATER_FLUSH_CHARS = 12_288;

/** A response's socket held corked until the tick ends; `wrote()` after each write. */
export interface TickCork {
  /** Sends what is corked now when it is over the limit (the first time a small one). */
  wrote(): void;
}

const NO_CORK: TickCork = { wrote() {} };

/**
 * Holds `res`'s socket writes until the tick after the current chain of promises settles, so what
 * that chain writes (an SSE head, `connected` and the events it has ready) leaves in one socket
 * write, or, for a long backlog, in a first write of a few KB (the first event does not wait for
 * the serializing of all the others) and then writes of 12 KB. The socket, not `res`: a corked
 * response buffers chunks that its `end()` writes after the chunked terminator (lost). The uncork
 * is queued from a microtask: a tick queued now would run before the pending microtasks. `end()`
 * uncorks the socket fully itself.
 */
export function corkForThisTick(res: ServerResponse): TickCork {
  const socket = res.socket;
  if (!socket) return NO_CORK;
  socket.cork();
  const cork = new SocketCork(res, socket);
  queueMicrotask(() => process.nextTick(uncork, cork));
  return cork;
}

class SocketCork implements TickCork {
  readonly res: ServerResponse;
  readonly socket: NonNullable<ServerResponse['socket']>;
  corked = true;
  #limit = FIRST_FLUSH_CHARS;

  constructor(res: ServerResponse, socket: NonNullable<ServerResponse['socket']>) {
    this.res = res;
    this.socket = socket;
  }

  wrote(): void {
    if (!this.corked || this.res.writableEnded || this.socket.writableLength < this.#limit) return;
    // Sent now, and corked again for the rest of the tick.
    this.socket.uncork();
    this.socket.cork();
    this.#limit = LATER_FLUSH_CHARS;
  }
}

function uncork(cork: SocketCork): void {
  cork.corked = false;
  if (!cork.res.writableEnded) cork.socket.uncork();
}
