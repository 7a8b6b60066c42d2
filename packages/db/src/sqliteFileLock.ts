import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { AgentMintError } from '@agentmint/core';

/** The slice of better-sqlite3's API the lock uses. */
interface LockConnection {
  exec(source: string): unknown;
  close(): unknown;
}
type LockDriver = new (file: string, options: { timeout: number }) => LockConnection;

// better-sqlite3 ships no types; the same driver MikroORM uses for the database itself.
const Database = createRequire(import.meta.url)('better-sqlite3') as LockDriver;

/** The lock file beside a database file; it stays on disk, empty, after the owner closes. */
export function lockFileOf(dbFile: string): string {
  return `${dbFile}.lock`;
}

interface Held {
  readonly connection: LockConnection;
  readonly holders: Set<object>;
}

// Every SqliteDb of this process on one file shares the process's lock (SQLite locks per process).
const held = new Map<string, Held>();

/**
 * Claims `dbFile` for this process, or throws `STORE_LOCKED` when another process holds it. The
 * claim is an exclusive SQLite transaction kept open on `<dbFile>.lock`: the operating system drops
 * it when the process exits, however it exits, so a killed process never leaves the file locked.
 */
export function lockSqliteFile(dbFile: string, holder: object): void {
  const key = resolve(dbFile);
  const current = held.get(key);
  if (current) {
    current.holders.add(holder);
    return;
  }
  const lockFile = lockFileOf(key);
  const connection = new Database(lockFile, { timeout: 0 });
  try {
    connection.exec('begin exclusive');
  } catch (error) {
    connection.close();
    if (!isBusy(error)) throw error;
    throw new AgentMintError(
      'STORE_LOCKED',
      `SQLite file '${dbFile}' is in use by another process (it holds '${lockFile}'): SqliteDb serves one process; run several instances on PostgresDb`,
      { cause: error, publicMessage: 'The database is unavailable; retry shortly' },
    );
  }
  held.set(key, { connection, holders: new Set([holder]) });
}

/** Gives up `holder`'s claim; the last holder of the process releases the file. */
export function unlockSqliteFile(dbFile: string, holder: object): void {
  const key = resolve(dbFile);
  const current = held.get(key);
  if (!current?.holders.delete(holder) || current.holders.size > 0) return;
  held.delete(key);
  // The file stays: deleting it would let a waiting process lock an unlinked inode beside a new one.
  current.connection.close();
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
