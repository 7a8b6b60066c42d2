import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cleanEnv } from './run.ts';

export interface StartedServer {
  url: string;
  output(): string;
  /** SIGTERM, then the exit code (the server closes AgentOS and its db on SIGTERM). */
  stop(): Promise<number | null>;
}

/** Starts `node <entry>` (plain node: no loader, no conditions) and waits for `LISTENING <url>`. */
export async function startServer(
  cwd: string,
  entry: string,
  env: NodeJS.ProcessEnv,
): Promise<StartedServer> {
  const child = spawn(process.execPath, [entry], {
    cwd,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no LISTENING line within 30 s')), 30_000);
    const onData = () => {
      const match = /^LISTENING (\S+)$/m.exec(output);
      if (match?.[1] !== undefined) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`server exited with ${code}`));
    const fail = (error: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${output}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
  return { url, output: () => output, stop: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = await exited;
  clearTimeout(timer);
  return code;
}
