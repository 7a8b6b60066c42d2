import { describe, expect, it } from 'vitest';
import { newId } from '../src/index.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond time at the front of a v7 UUID. */
function timeOf(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

describe('newId', () => {
  it('makes v7 UUIDs, all distinct, across several refills of the random pool', () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts as text in the order the ids were made, within one millisecond too', () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
  });

  it('starts with the current time in milliseconds', () => {
    const before = Date.now();
    const id = newId();
    // At most a few ms ahead: only 4,096 ids in one millisecond borrow the next one.
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThan(Date.now() + 1_000);
  });

  it('uses every hex digit in every random position', () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) {
      const id = newId();
      for (let at = 0; at < id.length; at++) seen[at]?.add(id.charAt(at));
    }
    // rand_b: after the variant digit (19), positions 20-22 and 24-35.
    const random = [...Array(36).keys()].filter((at) => at > 19 && at !== 23);
    for (const at of random) expect(seen[at]?.size).toBe(16);
    expect([...(seen[19] ?? [])].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
