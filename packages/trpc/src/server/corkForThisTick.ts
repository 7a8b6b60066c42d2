import type { ServerResponse } from 'node:http';

/**
 * Holds `res`'s socket writes until the tick after the current chain of promises settles, so what
 * that chain writes (an SSE head, `connected` and the events it has ready) leaves in one socket
 * write. The socket, not `res`: a corked response buffers chunks that its `end()` writes after the
 * chunked terminator (lost). The uncork is queued from a microtask: a tick queued now would run
 * before the pending microtasks. `end()` uncorks the socket fully itself.
 */
export function corkForThisTick(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  socket.cork();
  queueMicrotask(() => process.nextTick(uncork, res, socket));
}

function uncork(res: ServerResponse, socket: NonNullable<ServerResponse['socket']>): void {
  if (!res.writableEnded) socket.uncork();
}
