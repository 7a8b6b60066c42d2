import type { Store } from '@agentmint/core';
import { PostgresDb, SqliteDb } from '@agentmint/db';

/** PostgreSQL when `DATABASE_URL` names one; else the embedded SQLite file (`AGENTMINT_DB_FILE`). */
export function dbFromEnv(env: NodeJS.ProcessEnv = process.env): {
  db: Store;
  description: string;
} {
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    return { db: new PostgresDb({ dbUrl: url }), description: 'PostgreSQL (DATABASE_URL)' };
  }
  const dbFile = env.AGENTMINT_DB_FILE ?? 'agentmint.db';
  return { db: new SqliteDb({ dbFile }), description: `SQLite file ${dbFile}` };
}
