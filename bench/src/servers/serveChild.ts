import { type ChildMessage, isParentMessage } from '../http/ipc.ts';

/** What a bench server script hands to `serveChild` once it listens. */
export interface StartedServer {
  readonly url: string;
  close(): Promise<void>;
  /** Runs or streams in flight, for memory-per-run figures; -1 when unknown. */
  openRuns(): number;
}

declare const gc: (() => void) | undefined;

/**
 * Runs a bench server inside a child process: reports its URL over IPC, answers memory probes
 * (after a full GC when asked) and closes on request or when the parent goes away.
 */
export async function serveChild(start: () => Promise<StartedServer>): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  let server: StartedServer;
  try {
    server = await start();
  } catch (error) {
    send({
      type: 'failed',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  }
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => process.exit(0), 5_000);
    timer.unref();
    await server.close().catch(() => {});
    process.exit(0);
  };
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'close') {
      void shutdown();
      return;
    }
    if (message.gc && typeof gc === 'function') {
      gc();
      gc();
    }
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    send({
      type: 'stats',
      id: message.id,
      stats: {
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        rss: memory.rss,
        external: memory.external,
        arrayBuffers: memory.arrayBuffers,
        openRuns: server.openRuns(),
        cpuMicros: cpu.user + cpu.system,
      },
    });
  });
  process.on('disconnect', () => void shutdown());
  send({ type: 'ready', url: server.url });
}
