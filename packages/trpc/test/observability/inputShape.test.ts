import { describe, expect, it } from 'vitest';
import { inputShape } from '../../src/observability/inputShape.ts';

describe('inputShape', () => {
  it('gives keys (sorted) and value types, two levels deep, never values', () => {
    expect(
      inputShape({ units: 'metric', depth: 5, tags: ['a'], none: null, more: { a: { b: 1 } } }),
    ).toBe(
      '{"depth":"number","more":{"a":"object"},"none":"null","tags":"array","units":"string"}',
    );
    expect(inputShape('Atlantis')).toBe('"string"');
  });

  it('is valid JSON whatever the keys are', () => {
    const odd = { 'say "hi"': 1, 'line\nbreak': true, ünï: 'x', 'a-b_c$1': 2 };
    expect(JSON.parse(inputShape(odd))).toEqual({
      'a-b_c$1': 'number',
      'line\nbreak': 'boolean',
      'say "hi"': 'number',
      ünï: 'string',
    });
  });

  it('sorts many keys too', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(19 - i).padStart(2, '0')}`);
    const shape = JSON.parse(inputShape(Object.fromEntries(keys.map((key) => [key, 1]))));
    expect(Object.keys(shape)).toEqual([...keys].sort());
  });
});
