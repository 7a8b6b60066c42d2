import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PostgreSQL cluster of the test's own, on its own loopback port, that the test may stop. */
export interface ThrowawayPostgres {
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop`: fast (clean, disconnects clients) or immediate (like a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Starts the cluster unless it is running (cleanup after a failed test). */
  ensureStarted(): Promise<void>;
  /** Stops the cluster and removes its files. */
  destroy(): Promise<void>;
}

/** The directory holding initdb/pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Why the PostgreSQL fault tests cannot run here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
  if (postgresBinDir() === undefined) return 'no PostgreSQL binaries under /usr/lib/postgresql';
  if (process.getuid?.() === 0 && !hasUser('postgres'))
    return 'running as root without a postgres user';
  return undefined;
}

/** Why the PostgreSQL fault tests are skipped here; under CI they must run, so it throws instead. */
export function postgresSkipReason(): string | undefined {
  const reason = postgresUnavailableReason();
  if (reason && process.env.CI === 'true') {
    throw new Error(`PostgreSQL is required in CI: ${reason}`);
  }
  return reason;
}

function hasUser(name: string): boolean {
  return passwdLine(name) !== undefined;
}

function passwdLine(user: string): string | undefined {
  try {
    return readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((line) => line.startsWith(`${user}:`));
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * initdb into a temp dir and start a server on 127.0.0.1:<free port> with trust auth. As root,
 * PostgreSQL refuses to run, so the cluster belongs to the `postgres` OS user (runuser).
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('PostgreSQL binaries not found');
  const asRoot = process.getuid?.() === 0;
  const base = mkdtempSync(join(tmpdir(), 'agentmint-pg-'));
  const dataDir = join(base, 'data');
  if (asRoot) chownSync(base, uidOf('postgres'), gidOf('postgres'));
  const exec = (tool: string, args: string[], timeoutMs = 60_000) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeout: timeoutMs })
      : run(join(bin, tool), args, { timeout: timeoutMs });
  await exec('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${base}`,
    // fsync off is safe here: an immediate stop kills the server, not the OS, so written WAL
    // survives. synchronous_commit stays on: an acknowledged commit must survive the crash test.
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=60',
  ].join(' ');
  let running = false;
  const start = async () => {
    await exec('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      options,
      '-l',
      join(base, 'log'),
      '-w',
      '-t',
      '30',
      'start',
    ]);
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await exec('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
    running = false;
  };
  await start();
  let destroyed = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    ensureStarted: async () => {
      if (!running) await start();
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop('immediate').catch(() => {});
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function uidOf(user: string): number {
  return Number(idField(user, 2));
}

function gidOf(user: string): number {
  return Number(idField(user, 3));
}

function idField(user: string, index: number): string {
  const value = passwdLine(user)?.split(':')[index];
  if (value === undefined) throw new Error(`no OS user '${user}'`);
  return value;
}
