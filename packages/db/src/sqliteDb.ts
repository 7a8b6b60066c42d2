import { mkdirSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { LocalRunSignals } from '@agentmint/core';
import { MikroORM } from '@mikro-orm/sqlite';
import { CompiledQuery, type DatabaseConnection } from 'kysely';
import { sqliteMigrations } from './migrations/sqlite/index.ts';
import { sharedOrmOptions } from './ormOptions.ts';
import { lockSqliteFile, unlockSqliteFile } from './sqliteFileLock.ts';
import type { NativeSqlite } from './sqliteNative.ts';
import { SqliteRunWriter } from './sqliteRunWriter.ts';
import { type OpenedDatabase, type SqlOrm, SqlStore } from './sqlStore.ts';
import type { StoredTables } from './storedTables.ts';
import { sqliteCodec } from './valueCodec.ts';

export interface SqliteDbOptions {
  /** Database file, created with its directory when missing; `':memory:'` for a private in-memory db. Default `agentmint.db`. */
  dbFile?: string;
  /** Reported as `db_id`. Default: `sqlite-<file name without extension>`. */
  id?: string;
  /** Apply pending migrations in `init()`. Default true. */
  migrate?: boolean;
  /** Log MikroORM's queries and migrations. */
  debug?: boolean;
}

const MEMORY = ':memory:';

// WAL lets readers run beside the writer; NORMAL sync is durable across crashes of the process under WAL.
const PRAGMAS = [
  'pragma journal_mode = wal',
  'pragma synchronous = normal',
  'pragma busy_timeout = 5000',
  'pragma foreign_keys = on',
  'pragma temp_store = memory',
  'pragma cache_size = -16000',
  // A checkpoint per 10,000 WAL pages, not 1,000: the same hot pages (each B-tree's last leaf) are
  // rewritten by every commit, and a checkpoint copies each page once however often it was written.
  'pragma wal_autocheckpoint = 10000',
  // Above what those 10,000 pages take (~40 MiB), so a steady load never truncates; a WAL that a
  // long reader let grow past it shrinks back after its next checkpoint instead of keeping its size.
  'pragma journal_size_limit = 67108864',
];

// One migration at a time per file in this process: SQLite's lock would block the event loop instead.
const migrating = new Map<string, Promise<void>>();

/**
 * The embedded default store: one SQLite file, zero set-up. Construction is cheap and synchronous;
 * the file is opened and migrated on `init()` or on first use.
 */
export class SqliteDb extends SqlStore {
  readonly dbFile: string;
  readonly #debug: boolean;

  constructor(options: SqliteDbOptions = {}) {
    const dbFile = options.dbFile ?? 'agentmint.db';
    // One process owns the file, so signals stay in process.
    const signals = new LocalRunSignals();
    super({
      id: options.id ?? defaultId(dbFile),
      migrate: options.migrate ?? true,
      codec: sqliteCodec,
      signals,
      eventsStored: (runId, seq) => signals.eventsStored(runId, seq),
    });
    this.dbFile = dbFile;
    this.#debug = options.debug ?? false;
  }

  protected async open(): Promise<OpenedDatabase> {
    if (this.dbFile === MEMORY) return this.#connect();
    mkdirSync(dirname(resolve(this.dbFile)), { recursive: true });
    // One process per file: a second one would miss this one's in-process signals and writes order.
    lockSqliteFile(this.dbFile, this);
    try {
      return await this.#connect();
    } catch (error) {
      this.release();
      throw error;
    }
  }

  protected override release(): void {
    if (this.dbFile !== MEMORY) unlockSqliteFile(this.dbFile, this);
  }

  async #connect(): Promise<OpenedDatabase> {
    const orm = await MikroORM.init({
      ...sharedOrmOptions({ migrations: sqliteMigrations, debug: this.#debug }),
      dbName: this.dbFile,
      onCreateConnection: async (connection) => {
        for (const pragma of PRAGMAS) {
          await (connection as DatabaseConnection).executeQuery(CompiledQuery.raw(pragma));
        }
      },
    });
    try {
      await orm.connect();
    } catch (error) {
      await orm.close(true).catch(() => {});
      throw error;
    }
    const native = (await orm.em.getConnection().getNativeClient()) as unknown as NativeSqlite;
    const db = orm.em.getKysely<StoredTables>();
    return { orm: orm as unknown as SqlOrm, db, writer: new SqliteRunWriter(native, db) };
  }

  protected async withMigrationLock(
    _opened: OpenedDatabase,
    migrate: () => Promise<void>,
  ): Promise<void> {
    if (this.dbFile === MEMORY) return migrate();
    const key = resolve(this.dbFile);
    const previous = migrating.get(key) ?? Promise.resolve();
    const current = previous.catch(() => {}).then(migrate);
    const tail = current.catch(() => {});
    migrating.set(key, tail);
    try {
      await current;
    } finally {
      if (migrating.get(key) === tail) migrating.delete(key);
    }
  }

  protected describe(): string {
    return `SqliteDb '${this.dbFile}'`;
  }
}

function defaultId(dbFile: string): string {
  if (dbFile === MEMORY) return 'sqlite-memory';
  return `sqlite-${basename(dbFile, extname(dbFile)) || 'db'}`;
}
