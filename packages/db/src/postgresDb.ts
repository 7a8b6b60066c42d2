import { MikroORM } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { postgresMigrations } from './migrations/postgres/index.ts';
import { sharedOrmOptions } from './ormOptions.ts';
import { PostgresRunWriter } from './postgresRunWriter.ts';
import { channelOf, eventsChannelOf, PostgresSignals } from './postgresSignals.ts';
import { PostgresStatements } from './postgresStatements.ts';
import { type OpenedDatabase, type SqlOrm, SqlStore } from './sqlStore.ts';
import type { StoredTables } from './storedTables.ts';
import { postgresCodec } from './valueCodec.ts';

export interface PostgresDbOptions {
  /** `postgresql://user:password@host:port/database`. Default: `process.env.DATABASE_URL`, read on `init()`. */
  dbUrl?: string;
  /** Reported as `db_id`. Default: `postgres-<database>` (plus `-<schema>` when one is set). */
  id?: string;
  /** Apply pending migrations in `init()`. Default true. */
  migrate?: boolean;
  /**
   * Connection pool bounds. Default `{ min: 0, max: 10 }`; `max` must be at least 2. With
   * `preparedStatements`, the run writes keep one of these connections for themselves.
   */
  pool?: { min?: number; max?: number };
  /** PostgreSQL schema holding the tables, created by the migrations when missing. Default: `public`. */
  schema?: string;
  /**
   * Commit run events without waiting for PostgreSQL to flush its WAL: runs get several times
   * faster on a disk-bound server, but a PostgreSQL crash may lose the last ~200 ms of events of
   * runs in flight (never a run row; a run's finish flushes the events before it). Default false.
   */
  asyncEventCommit?: boolean;
  /**
   * Tell the other processes on this database about stored events (NOTIFY, in the writing
   * statement) so their watchers follow runs live; without it they re-read once a second. Cancel
   * requests always travel by NOTIFY. Default true.
   */
  notifyEvents?: boolean;
  /**
   * Send each run's writes as named prepared statements, parsed and planned once per pooled
   * connection instead of on every write. Turn off behind a pooler that runs a session's
   * statements on different server connections without carrying prepared statements over:
   * PgBouncer in transaction or statement mode before 1.21 (1.21+ with `max_prepared_statements`
   * set handles them). Default true.
   */
  preparedStatements?: boolean;
  /** Log MikroORM's queries and migrations. */
  debug?: boolean;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The production store: PostgreSQL through MikroORM's connection pool. Construction is cheap and
 * synchronous; the pool opens and the schema migrates on `init()` or on first use.
 */
export class PostgresDb extends SqlStore {
  readonly schema: string | undefined;
  readonly #dbUrl: string | undefined;
  readonly #pool: { min: number; max: number };
  readonly #debug: boolean;
  readonly #asyncEventCommit: boolean;
  readonly #preparedStatements: boolean;
  readonly #signals: PostgresSignals;
  readonly #eventsChannel: string | undefined;
  /** The run writer's statements, once open: they keep a connection checked out until close. */
  #statements: PostgresStatements | undefined;

  constructor(options: PostgresDbOptions = {}) {
    const dbUrl = options.dbUrl ?? process.env.DATABASE_URL;
    const channel = channelOf(options.schema);
    const eventsChannel = eventsChannelOf(options.schema);
    let send: (channel: string, payload: string) => Promise<void> = async () => {};
    const signals = new PostgresSignals({
      connectionString: () => options.dbUrl ?? process.env.DATABASE_URL,
      channel,
      eventsChannel,
      send: (to, payload) => send(to, payload),
    });
    super({
      id: options.id ?? defaultId(dbUrl, options.schema),
      migrate: options.migrate ?? true,
      codec: postgresCodec,
      signals,
    });
    this.#signals = signals;
    this.#eventsChannel = options.notifyEvents === false ? undefined : eventsChannel;
    // NOTIFY through the pool, once connected.
    send = async (to, payload) => {
      await this.init();
      await this.notify(to, payload);
    };
    const pool = { min: options.pool?.min ?? 0, max: options.pool?.max ?? 10 };
    if (!Number.isInteger(pool.max) || pool.max < 2 || pool.min < 0 || pool.min > pool.max) {
      throw new TypeError(
        `PostgresDb: pool needs 0 <= min <= max and max >= 2 (migrations hold one connection for their lock); got ${JSON.stringify(options.pool)}`,
      );
    }
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new TypeError(`PostgresDb: schema '${options.schema}' must match ${SCHEMA_NAME}`);
    }
    this.schema = options.schema;
    this.#dbUrl = options.dbUrl;
    this.#pool = pool;
    this.#debug = options.debug ?? false;
    this.#asyncEventCommit = options.asyncEventCommit ?? false;
    this.#preparedStatements = options.preparedStatements ?? true;
  }

  protected async open(): Promise<OpenedDatabase> {
    const clientUrl = this.#dbUrl ?? process.env.DATABASE_URL;
    if (!clientUrl) {
      throw new Error('no connection URL: pass { dbUrl } or set DATABASE_URL');
    }
    const shared = sharedOrmOptions({ migrations: postgresMigrations, debug: this.#debug });
    const orm = await MikroORM.init({
      ...shared,
      clientUrl,
      pool: this.#pool,
      ...(this.schema !== undefined && {
        schema: this.schema,
        migrations: { ...shared.migrations, schema: this.schema },
      }),
    });
    try {
      await orm.connect();
      const db = orm.em.getKysely<StoredTables>();
      await sql`select 1`.execute(db); // the pool connects lazily: fail here, not on the first run
      const pool = this.#preparedStatements
        ? await orm.em.getConnection().getNativeClient()
        : undefined;

      const statements = new PostgresStatements(db, pool);
      this.#statements = statements;
      return {
        orm: orm as unknown as SqlOrm,
        db: this.schema === undefined ? db : db.withSchema(this.schema),
        writer: new PostgresRunWriter(db, statements, {
          schema: this.schema,
          asyncEventCommit: this.#asyncEventCommit,
          channel: this.#eventsChannel,
        }),
      };
    } catch (error) {
      await orm.close(true).catch(() => {});
      throw error;
    }
  }

  protected async withMigrationLock(
    opened: OpenedDatabase,
    migrate: () => Promise<void>,
  ): Promise<void> {
    // A session-level advisory lock on a connection of its own: concurrent starts migrate one by one.
    const key = `agentmint_migrations:${this.schema ?? ''}`;
    await opened.db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(hashtext(${key}))`.execute(connection);
      try {
        if (this.schema !== undefined) {
          await sql`create schema if not exists ${sql.id(this.schema)}`.execute(connection);
        }
        await migrate();
      } finally {
        await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection);
      }
    });
  }

  /** Stops listening, gives the writer's connection back, then drains and closes the pool. */
  override async close(): Promise<void> {
    await this.#signals.close();
    await this.#statements?.release(); // writes still to come take the pool, which waits for them
    await super.close();
  }

  /** One NOTIFY on this store's pool. */
  private async notify(channel: string, payload: string): Promise<void> {
    await this.query((db) => sql`select pg_notify(${channel}, ${payload})`.execute(db));
  }

  protected describe(): string {
    return `PostgresDb '${this.id}'`;
  }
}

function defaultId(dbUrl: string | undefined, schema: string | undefined): string {
  let database = '';
  try {
    database = dbUrl ? decodeURIComponent(new URL(dbUrl).pathname.slice(1)) : '';
  } catch {
    // An unparsable URL fails on init with a clear message; the id falls back to the default.
  }
  return ['postgres', database, schema].filter(Boolean).join('-');
}
