import { PostgresDb } from '../src/index.ts';

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/**
 * Whether the PostgreSQL tests can run. Without a server they are skipped with the reason printed,
 * except under CI=true, where a missing server is a failure: CI must test the real thing.
 */
export async function postgresAvailability(): Promise<{ ok: boolean; dbUrl: string }> {
  const dbUrl = process.env.DATABASE_URL ?? DEFAULT_URL;
  const probe = new PostgresDb({ dbUrl, migrate: false });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.init(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
      }),
    ]);
    return { ok: true, dbUrl };
  } catch (error) {
    const reason = `PostgreSQL at ${redact(dbUrl)} is not available (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
    console.warn(
      `[agentmint/db] skipping the PostgresDb tests: ${reason}. Set DATABASE_URL to run them.`,
    );
    return { ok: false, dbUrl };
  } finally {
    clearTimeout(timer);
    await probe.close().catch(() => {});
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
