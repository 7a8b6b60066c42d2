import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../src/index.ts';

describe('deepFreeze', () => {
  it('freezes nested objects and arrays and returns the same value', () => {
    const value = { a: { b: [1, { c: 2 }] }, d: 'x' };
    expect(deepFreeze(value)).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(value.a.b)).toBe(true);
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
  });

  it('leaves primitives, null and undefined alone', () => {
    for (const value of [undefined, null, 1, 'x', true, 10n]) expect(deepFreeze(value)).toBe(value);
  });

  it('terminates on cycles', () => {
    const a: { self?: unknown } = {};
    a.self = a;
    expect(Object.isFrozen(deepFreeze(a))).toBe(true);
  });

  it('takes an already frozen object as deeply frozen (a stored input is not walked again)', () => {
    const inner = { x: 1 };
    const outer = Object.freeze({ inner });
    deepFreeze(outer);
    expect(Object.isFrozen(inner)).toBe(false);
  });
});
