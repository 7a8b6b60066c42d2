import type { Constructor } from '@mikro-orm/core';
import { type Migration, Migrator } from '@mikro-orm/migrations';
import { entities } from './entities/index.ts';

export const MIGRATIONS_TABLE = 'agentmint_migrations';

/** The MikroORM options both dialects share: our entities, our migration set, no implicit schema work. */
export function sharedOrmOptions(options: {
  migrations: readonly Constructor<Migration>[];
  debug: boolean;
}) {
  return {
    entities: [...entities],
    extensions: [Migrator],
    debug: options.debug,
    // Schema changes happen only through the committed migrations.
    ensureDatabase: false,
    allowGlobalContext: false,
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList: [...options.migrations],
      // The generator diffs against a database migrated to the latest committed state, not a snapshot file.
      snapshot: false,
      snapshotOnMigrate: false,
      transactional: true,
      allOrNothing: true,
      silent: !options.debug,
      emit: 'ts' as const,
      fileName: (timestamp: string, name?: string) => `migration${timestamp}${name ?? ''}`,
    },
  };
}
