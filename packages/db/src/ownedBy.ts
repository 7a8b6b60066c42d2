import type { OwnerScope } from '@agentmint/core';
import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * The owner filter of every scoped query, in SQL: `{ userId: null }` matches anonymous rows only,
 * `undefined` (isolation off, admin) matches every row.
 */
export function ownedBy(scope: OwnerScope, column = 'user_id'): RawBuilder<SqlBool> {
  if (scope === undefined) return sql<SqlBool>`true`;
  return scope.userId === null
    ? sql<SqlBool>`${sql.ref(column)} is null`
    : sql<SqlBool>`${sql.ref(column)} = ${scope.userId}`;
}
