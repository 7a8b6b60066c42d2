import { describe, expect, it } from 'vitest';
import { parsePostgresTimestamp, postgresCodec, sqliteCodec } from '../src/valueCodec.ts';

describe('parsePostgresTimestamp (timestamptz as MikroORM leaves it: text)', () => {
  it.each([
    ['2026-11-24 00:19:05.84+00', '2026-11-24T00:19:05.840Z'],
    ['2026-11-24 00:19:05+00', '2026-11-24T00:19:05.000Z'],
    ['2026-11-24 05:49:05.123456+05:30', '2026-11-24T00:19:05.123Z'],
    ['2026-11-23 20:49:05.5-03:30', '2026-11-24T00:19:05.500Z'],
  ])('%s', (text, iso) => {
    expect(parsePostgresTimestamp(text).toISOString()).toBe(iso);
  });

  it('rejects what it cannot read instead of returning Invalid Date', () => {
    expect(() => parsePostgresTimestamp('infinity')).toThrow(/Unreadable timestamp/);
  });
});

describe('value codecs', () => {
  it('SQLite: epoch ms, JSON text (a JSON string stays a string), 0/1 booleans', () => {
    const at = new Date('2026-11-24T00:00:00.123Z');
    expect(sqliteCodec.readDate(sqliteCodec.date(at) as number)).toEqual(at);
    expect(sqliteCodec.readJson('"text"')).toBe('text');
    expect(sqliteCodec.readJson('{"a":[1]}')).toEqual({ a: [1] });
    expect(sqliteCodec.readJson(null)).toBeNull();
    expect(sqliteCodec.bool(true)).toBe(1);
  });

  it('PostgreSQL: JSON arrives parsed, so a string is a JSON string value', () => {
    expect(postgresCodec.readJson('text')).toBe('text');
    expect(postgresCodec.readDate('2026-11-24 00:00:00+00')).toEqual(
      new Date('2026-11-24T00:00:00Z'),
    );
  });
});
