import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseSSE, type SSEvent } from './http.ts';

/** An AgentOS instance in a child process (support/instanceChild.ts). */
export interface Instance {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts an instance on a free loopback port and resolves once it serves. */
export async function startInstance(env: Readonly<Record<string, string>>): Promise<Instance> {
  const script = fileURLToPath(new URL('./instanceChild.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=@agentmint/source', '--disable-warning=ExperimentalWarning', script],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`instance exited (${code}): ${stderr}`)));
  });
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An SSE response read as it arrives: the events so far, and the whole list once it ends. */
export interface LiveStream {
  readonly events: readonly SSEvent[];
  readonly done: Promise<SSEvent[]>;
  /** Resolves once at least `count` events arrived. */
  atLeast(count: number): Promise<void>;
}

export function readLive(response: Response): LiveStream {
  const events: SSEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const done = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (value) buffer += value;
      const cut = buffer.lastIndexOf('\n\n');
      if (cut >= 0) {
        events.push(...parseSSE(buffer.slice(0, cut + 2)));
        buffer = buffer.slice(cut + 2);
        for (const waiter of waiters.splice(0)) {
          if (events.length >= waiter.count) waiter.resolve();
          else waiters.push(waiter);
        }
      }
      if (ended) return events;
    }
  })();
  return {
    events,
    done,
    atLeast: (count) =>
      events.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}
