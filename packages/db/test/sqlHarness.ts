import type { Kysely } from 'kysely';
import type { SqlStore } from '../src/index.ts';
import type { RowCounts } from './storeConformance.ts';

interface TestTables {
  agentmint_sessions: object;
  agentmint_runs: object;
  agentmint_run_events: object;
  agentmint_messages: object;
  agentmint_migrations: { id: number; name: string };
}

/** MikroORM's Kysely instance of an initialised store: tests read the tables directly. */
export function tablesOf(store: SqlStore, schema?: string): Kysely<TestTables> {
  const orm = store.orm;
  if (!orm) throw new Error(`${store.id} is not initialised`);
  const db = orm.em.getKysely<TestTables>();
  return schema === undefined ? db : db.withSchema(schema);
}

export async function countRows(store: SqlStore, schema?: string): Promise<RowCounts> {
  const db = tablesOf(store, schema);
  const count = async (table: keyof TestTables) => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    sessions: await count('agentmint_sessions'),
    runs: await count('agentmint_runs'),
    events: await count('agentmint_run_events'),
    messages: await count('agentmint_messages'),
  };
}

/** Names of the migrations the database has recorded as applied. */
export async function appliedMigrations(store: SqlStore, schema?: string): Promise<string[]> {
  const rows = await tablesOf(store, schema)
    .selectFrom('agentmint_migrations')
    .select('name')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.name);
}
