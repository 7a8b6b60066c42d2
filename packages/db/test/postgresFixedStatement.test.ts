import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { FixedStatement } from '../src/postgresFixedStatement.ts';
import type { StoredTables } from '../src/storedTables.ts';

// Compiles PostgreSQL text without a server: FixedStatement only compiles.
const db = new Kysely<StoredTables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe('FixedStatement', () => {
  it('compiles its text once and binds each call its own arguments, constants kept', () => {
    const statement = new FixedStatement<{ id: string; at: Date | null }, unknown>(
      db,
      (a) => sql`select ${a.id}, ${'fixed'}, ${a.at}::timestamptz where id = ${a.id}`,
    );
    expect(statement.text).toBe('select $1, $2, $3::timestamptz where id = $4');
    const at = new Date(0);
    expect(statement.values({ id: 'r1', at })).toEqual(['r1', 'fixed', at, 'r1']);
    expect(statement.values({ id: 'r2', at: null })).toEqual(['r2', 'fixed', null, 'r2']);
  });

  it('names a text after its content: the same text the same name, another text another', () => {
    const build = (column: string) =>
      new FixedStatement<{ id: string }, unknown>(
        db,
        (a) => sql`select ${sql.ref(column)} from t where id = ${a.id}`,
      );
    expect(build('a').name).toBe(build('a').name);
    expect(build('a').name).not.toBe(build('b').name);
    expect(build('a').name).toMatch(/^agentmint_[\w-]+$/);
  });
});
