import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isChildMessage, type ParentMessage, type ServerStats } from './ipc.ts';

/** The CPU servers run on; the load generator (this process) takes the other one. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Whether server and load generator get a CPU each (Linux `taskset` on a 2+ CPU machine). */
export const canPin = hasTaskset && (navigatorCpus() ?? 1) >= 2;

function navigatorCpus(): number | undefined {
  return typeof navigator === 'object' ? navigator.hardwareConcurrency : undefined;
}

/** Pins every thread of this process to `cpus` (e.g. `'1'`, or `'0-1'` to undo). */
export function pinSelf(cpus: string): void {
  if (!canPin) return;
  try {
    execFileSync('taskset', ['-a', '-cp', cpus, String(process.pid)], { stdio: 'ignore' });
  } catch {
    // Best effort: an unpinned run is still a valid side-by-side comparison, only noisier.
  }
}

/** Runs `body` with this process (the load generator) on LOAD_CPU, then unpins it. */
export async function asLoadGenerator<T>(body: () => Promise<T>): Promise<T> {
  pinSelf(String(LOAD_CPU));
  try {
    return await body();
  } finally {
    pinSelf(`0-${(navigatorCpus() ?? 2) - 1}`);
  }
}

export interface ChildServer {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** Memory and CPU of the server process; `gc` runs two full collections first. */
  stats(options?: { gc?: boolean }): Promise<ServerStats>;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Label for errors and rows. */
  readonly name: string;
  /** Script under src/servers/, e.g. `agentmintServer.ts`. */
  readonly script: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Give up when the server has not said it listens within this long. */
  readonly startTimeoutMs?: number;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** CPUs to pin the server to (taskset list). Default SERVER_CPU; `'0-1'` lets it use both. */
  readonly cpus?: string;
}

const STDERR_TAIL = 8_000;

/**
 * Starts a bench server in a child process pinned to SERVER_CPU, with `--expose-gc` so memory is
 * read after a full collection, and resolves once it listens on loopback.
 */
export async function startServer(options: StartServerOptions): Promise<ChildServer> {
  const script = fileURLToPath(new URL(`../servers/${options.script}`, import.meta.url));
  const nodeArgs = [
    '--conditions=@agentmint/source',
    '--expose-gc',
    '--disable-warning=ExperimentalWarning',
    // BENCH_CPU_PROF=<dir>: every bench server writes a V8 CPU profile there when it exits.
    ...(process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : []),
    ...(options.nodeArgs ?? []),
    script,
  ];
  const [command, args] = canPin
    ? ['taskset', ['-c', options.cpus ?? String(SERVER_CPU), process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(command as string, args as string[], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await waitForReady(child, options, exited, () => stderr);
  return new RunningServer(options.name, url, child, exited, () => stderr);
}

function waitForReady(
  child: ChildProcess,
  options: StartServerOptions,
  exited: Promise<number | null>,
  stderr: () => string,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`bench server ${options.name}: ${why}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs);
    const onMessage = (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.type === 'ready') {
        cleanup();
        resolve(message.url);
      } else if (message.type === 'failed') {
        fail(`failed to start: ${message.error}`);
      }
    };
    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
    void exited.then((code) => fail(`exited with ${code} before listening`));
  });
}

class RunningServer implements ChildServer {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly #stderr: () => string;
  #nextId = 1;
  #closed = false;

  constructor(
    name: string,
    url: string,
    child: ChildProcess,
    exited: Promise<number | null>,
    stderr: () => string,
  ) {
    this.name = name;
    this.url = url;
    this.pid = child.pid ?? -1;
    this.#child = child;
    this.#exited = exited;
    this.#stderr = stderr;
    void exited.then((code) => {
      if (!this.#closed) {
        console.error(`bench server ${name} exited unexpectedly (${code})\n${stderr()}`);
      }
    });
  }

  stats(options: { gc?: boolean } = {}): Promise<ServerStats> {
    const id = this.#nextId++;
    return new Promise<ServerStats>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#child.off('message', onMessage);
        reject(new Error(`bench server ${this.name}: no stats after 30 s\n${this.#stderr()}`));
      }, 30_000);
      const onMessage = (message: unknown) => {
        if (isChildMessage(message) && message.type === 'stats' && message.id === id) {
          clearTimeout(timer);
          this.#child.off('message', onMessage);
          resolve(message.stats);
        }
      };
      this.#child.on('message', onMessage);
      this.#send({ type: 'stats', id, gc: options.gc ?? true });
    });
  }

  /** The tail of what the server wrote to stderr (errors it logged). */
  get stderr(): string {
    return this.#stderr();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#child.connected) this.#send({ type: 'close' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(timer);
  }

  #send(message: ParentMessage): void {
    this.#child.send(message);
  }
}
