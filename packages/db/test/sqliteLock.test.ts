import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDb } from '../src/index.ts';
import { newRun } from './storeConformance.ts';

// A second process on the same SQLite file is refused with STORE_LOCKED; a killed owner frees the
// file (the lock is an OS file lock, dropped with the process), and so does a clean close.

const packageDir = fileURLToPath(new URL('..', import.meta.url));

// Opens the file in a process of its own and reports `OPENED`, or the error code it got; then waits.
const CHILD = `
import { SqliteDb } from '@agentmint/db';
const db = new SqliteDb({ dbFile: process.env.DB_FILE });
try {
  await db.init();
  console.log('OPENED');
} catch (error) {
  console.log('FAILED ' + (error.code ?? error.message));
  process.exit(0);
}
process.stdin.on('end', () => void db.close().then(() => process.exit(0)));
process.stdin.resume();
`;

interface Child {
  readonly process: ChildProcess;
  /** The child's first line: `OPENED` or `FAILED <code>`. */
  readonly outcome: Promise<string>;
  readonly exited: Promise<unknown>;
}

function openInChild(dbFile: string): Child {
  const child = spawn(
    process.execPath,
    ['--conditions=@agentmint/source', '--input-type=module', '-e', CHILD],
    { cwd: packageDir, env: { ...process.env, DB_FILE: dbFile }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const outcome = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(OPENED|FAILED \S+)$/m.exec(out);
      if (line?.[1]) resolve(line[1]);
    });
    void exited.then(() => reject(new Error(`child exited early: ${out} ${stderr}`)));
  });
  return { process: child, outcome, exited };
}

describe('SqliteDb: one process per file', () => {
  let dir: string;
  const children: Child[] = [];
  const opened: SqliteDb[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentmint-lock-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
    await Promise.all(opened.splice(0).map((db) => db.close()));
    await rm(dir, { recursive: true, force: true });
  });

  const child = (dbFile: string) => {
    const started = openInChild(dbFile);
    children.push(started);
    return started;
  };
  const open = (dbFile: string) => {
    const db = new SqliteDb({ dbFile });
    opened.push(db);
    return db;
  };

  it('refuses a second process with STORE_LOCKED, and opens once the owner was killed', async () => {
    const dbFile = join(dir, 'agentmint.db');
    const owner = child(dbFile);
    expect(await owner.outcome).toBe('OPENED');

    const db = open(dbFile);
    const refused = await db.init().catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'STORE_LOCKED', httpStatus: 503 });
    expect((refused as Error).message).toContain('another process');
    expect((refused as Error).message).toContain('PostgresDb');

    // No clean-up runs in the killed owner: the operating system drops its lock.
    owner.process.kill('SIGKILL');
    await owner.exited;
    await db.init();
    const run = newRun();
    await db.createRun(run);
    expect(await db.getRun(run.runId)).toMatchObject({ runId: run.runId });
  }, 120_000);

  it('is refused in another process while this one holds the file; a clean close frees it', async () => {
    const dbFile = join(dir, 'agentmint.db');
    const db = open(dbFile);
    // Two stores of one process share the process's claim.
    const sibling = open(dbFile);
    await Promise.all([db.init(), sibling.init()]);

    // Closing one of them keeps the claim while the other is open.
    await sibling.close();
    expect(await child(dbFile).outcome).toBe('FAILED STORE_LOCKED');

    await db.close();
    const next = child(dbFile);
    expect(await next.outcome).toBe('OPENED');
    next.process.stdin?.end();
    await next.exited;
    expect(existsSync(`${dbFile}.lock`)).toBe(true);
  }, 120_000); // two Node processes, one after the other, on a busy machine

  it('leaves :memory: databases alone', async () => {
    const a = open(':memory:');
    const b = open(':memory:');
    await Promise.all([a.init(), b.init()]);
    expect(existsSync(':memory:.lock')).toBe(false);
  });
});
