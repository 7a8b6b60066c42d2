import type { StoredDate, StoredJson } from './storedTables.ts';

/** How one dialect stores the values SQL has no common type for: timestamps, JSON and booleans. */
export interface ValueCodec {
  date(value: Date): StoredDate;
  readDate(value: StoredDate): Date;
  bool(value: boolean): boolean | number;
  readJson<T>(value: StoredJson): T;
}

/** JSON is always written as text: both SQLite's `json` and PostgreSQL's `jsonb` accept it. */
export function writeJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** SQLite: timestamps as epoch milliseconds, JSON as text, booleans as 0/1 (better-sqlite3 binds no booleans). */
export const sqliteCodec: ValueCodec = {
  date: (value) => value.getTime(),
  readDate: (value) => (value instanceof Date ? value : new Date(value)),
  bool: (value) => (value ? 1 : 0),
  readJson: <T>(value: StoredJson) => (typeof value === 'string' ? JSON.parse(value) : value) as T,
};

/** PostgreSQL: `timestamptz` (MikroORM keeps it as text), `jsonb` parsed by `pg`, native booleans. */
export const postgresCodec: ValueCodec = {
  date: (value) => value,
  readDate: (value) =>
    value instanceof Date
      ? value
      : typeof value === 'number'
        ? new Date(value)
        : parsePostgresTimestamp(value),
  bool: (value) => value,
  readJson: <T>(value: StoredJson) => value as T,
};

/** `2026-11-24 00:19:05.84+00` (PostgreSQL's ISO DateStyle) → Date; JS wants `T` and `+00:00`. */
export function parsePostgresTimestamp(text: string): Date {
  const iso = text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new TypeError(`Unreadable timestamp '${text}'`);
  return date;
}
