export {
  entities,
  MessageEntity,
  RunEntity,
  RunEventEntity,
  SessionEntity,
} from './entities/index.ts';
export { postgresMigrations } from './migrations/postgres/index.ts';
export { sqliteMigrations } from './migrations/sqlite/index.ts';
export { PostgresDb, type PostgresDbOptions } from './postgresDb.ts';
export { SqliteDb, type SqliteDbOptions } from './sqliteDb.ts';
export { type SqlOrm, SqlStore } from './sqlStore.ts';
