import { PostgresDb } from '@agentmint/db';

/** Drops a test's schema through a connection of its own: the test's store is closed by then. */
export async function dropPostgresSchema(dbUrl: string, schema: string): Promise<void> {
  const admin = new PostgresDb({ dbUrl, migrate: false });
  await admin.init();
  await admin.orm?.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
  await admin.close();
}
