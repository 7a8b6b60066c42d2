import { describe, expect, it } from 'vitest';
import { newId } from '../src/index.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newId', () => {
  it('makes v4 UUIDs, all distinct, across several refills of the random pool', () => {
    const ids = Array.from({ length: 1_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every hex digit in every free position', () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) {
      const id = newId();
      for (let at = 0; at < id.length; at++) seen[at]?.add(id.charAt(at));
    }
    const free = [...Array(36).keys()].filter((at) => ![8, 13, 14, 18, 19, 23].includes(at));
    for (const at of free) expect(seen[at]?.size).toBe(16);
    expect([...(seen[19] ?? [])].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
