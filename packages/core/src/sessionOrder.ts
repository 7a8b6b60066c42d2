import type { ListSessionsQuery, SessionRecord } from './store.ts';

/**
 * The order of a session list, as every store applies it: the sort field (names compared
 * case-insensitively, unnamed first), then oldest first, then by id.
 */
export function compareSessions(
  query: ListSessionsQuery,
): (a: SessionRecord, b: SessionRecord) => number {
  const direction = query.sortOrder === 'asc' ? 1 : -1;
  const field = query.sortBy ?? 'updatedAt';
  const key = (s: SessionRecord): number | string =>
    field === 'name' ? (s.name ?? '').toLowerCase() : s[field].getTime();
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * direction;
    const created = a.createdAt.getTime() - b.createdAt.getTime();
    if (created !== 0) return created;
    return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
  };
}
