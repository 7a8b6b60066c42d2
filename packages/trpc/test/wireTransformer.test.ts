import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import {
  isoString,
  serializeForText,
  serializeLikeSuperjson,
  textSerializer,
  wireTransformer,
} from '../src/wireTransformer.ts';

/** The fast serializer must write what superjson writes, byte for byte and field for field. */
function expectSameAsSuperjson(value: unknown): void {
  const ours = serializeLikeSuperjson(value);
  const theirs = superjson.serialize(value);
  expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
  expect(ours).toStrictEqual(theirs);
  // The text serializer writes the same bytes.
  expect(JSON.stringify(serializeForText(value))).toBe(JSON.stringify(theirs));
}

const createdAt = new Date('2026-01-02T03:04:05.678Z');

const runOutput = {
  runId: 'run_1',
  sessionId: 'sess_1',
  agentId: 'research-agent',
  userId: undefined,
  status: 'COMPLETED',
  content: 'ok',
  contentType: 'str',
  model: { id: 'scripted', provider: 'test' },
  metrics: { durationMs: 1.5, inputTokens: 3, outputTokens: 1, totalTokens: 4, ttftMs: null },
  messages: [
    { role: 'system', content: 'You are a skeptic.', createdAt: new Date(0) },
    { role: 'user', content: 'What are the latest trends in AI?', toolCalls: [] },
    { role: 'assistant', content: 'ok', extra: { nested: [undefined, 1, 'two', false] } },
  ],
  createdAt,
};

describe('wireTransformer (superjson, fast serializer)', () => {
  it('writes exactly what superjson writes for plain records with Dates and undefined', () => {
    expectSameAsSuperjson(runOutput);
    expectSameAsSuperjson([runOutput, { ...runOutput, messages: [] }]);
    expectSameAsSuperjson({ result: { data: runOutput } });
    expectSameAsSuperjson({});
    expectSameAsSuperjson([]);
    expectSameAsSuperjson({ a: null, b: '', c: 0, d: -1.5, e: true, f: [[[]]] });
    expectSameAsSuperjson(Object.assign(Object.create(null), { x: createdAt }));
  });

  it('escapes dots and backslashes in keys the way superjson does', () => {
    expectSameAsSuperjson({ 'a.b': createdAt, 'c\\d': { 'e.f\\.g': undefined }, '': createdAt });
  });

  it('falls back to superjson for everything else, with the same result', () => {
    const shared = { same: 1 };
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const extra = Object.assign([1, 2], { more: createdAt });
    class Point {
      readonly x: number;
      constructor(x: number) {
        this.x = x;
      }
    }
    const unusual: unknown[] = [
      { a: shared, b: shared },
      { a: createdAt, b: createdAt },
      circular,
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
      { n: -0 },
      { n: 10n },
      { m: new Map([['k', createdAt]]) },
      { s: new Set([1, 2]) },
      { r: /x+/g },
      { u: new URL('http://localhost/x') },
      { e: new Error('boom') },
      { d: new Date(Number.NaN) },
      { p: new Point(1) },
      { f: () => 1 },
      { sym: Symbol('s') },
      sparse,
      extra,
      createdAt,
      undefined,
      null,
      'text',
      42,
    ];
    for (const value of unusual) expectSameAsSuperjson(value);
  });

  it('finds an object met twice among many (past the short list of seen objects)', () => {
    const shared = { same: 1 };
    const many = Array.from({ length: 40 }, (_, index) => ({ index, at: createdAt }));
    expectSameAsSuperjson({ many: many.map((item) => ({ ...item, at: new Date(item.index) })) });
    expectSameAsSuperjson({ many: [...many.slice(1), shared], again: shared });
    expectSameAsSuperjson({
      first: shared,
      many: many.slice(1).map((item) => ({ ...item, at: undefined })),
      last: shared,
    });
  });

  it('writes a Date as toISOString does, in every year with four digits and beyond them', () => {
    const times = [
      0,
      -1,
      1,
      Date.UTC(0, 0, 1),
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(1900, 1, 28, 12),
      Date.UTC(2100, 2, 1),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      -62_167_219_200_000, // 0000-01-01T00:00:00.000Z
      -62_167_219_200_001, // -000001-12-31T23:59:59.999Z
      253_402_300_799_999, // 9999-12-31T23:59:59.999Z
      253_402_300_800_000, // +010000-01-01T00:00:00.000Z
      8.64e15,
      -8.64e15,
    ];
    // A spread of times over 0000–9999, the same on every run.
    let seed = 1;
    for (let i = 0; i < 5_000; i++) {
      seed = (seed * 16_807) % 2_147_483_647;
      times.push(Math.floor(-62_167_219_200_000 + (seed / 2_147_483_647) * 315_569_520_000_000));
    }
    for (const time of times) {
      const date = new Date(time);
      expect(isoString(time, date)).toBe(date.toISOString());
    }
  });

  it('rejects prototype-polluting keys like superjson does', () => {
    const risky = JSON.parse('{"__proto__": {"polluted": true}}');
    expect(() => serializeLikeSuperjson(risky)).toThrow(/prototype pollution/);
    expect(() => serializeLikeSuperjson({ constructor: 1 })).toThrow(/prototype pollution/);
  });

  it('round-trips through superjson.deserialize', () => {
    const wire = JSON.parse(JSON.stringify(wireTransformer.serialize(runOutput)));
    expect(wireTransformer.deserialize(wire)).toStrictEqual(superjson.deserialize(wire));
    expect(superjson.deserialize(wire)).toStrictEqual(runOutput);
  });

  it('copies for text only what it writes otherwise, and leaves the value as it was', () => {
    const before = structuredClone(runOutput);
    const text = serializeForText(runOutput);
    expect(runOutput).toStrictEqual(before);
    const json = text.json as Record<string, unknown>;
    // The record holds a Date and an undefined: copied; metrics and model hold neither: shared.
    expect(json).not.toBe(runOutput);
    expect(json.createdAt).toBe(createdAt.toISOString());
    expect(json.userId).toBeNull();
    expect(json.metrics).toBe(runOutput.metrics);
    expect(json.model).toBe(runOutput.model);
    expect((json.messages as unknown[])[1]).toBe(runOutput.messages[1]);
    const plain = { event: 'RunContent', content: 'ok', seq: 3, createdAt: 1 };
    expect(serializeForText(plain)).toStrictEqual({ json: plain });
    expect(serializeForText(plain).json).toBe(plain);
  });

  it('gives the text serializer for the wire transformer only', () => {
    expect(textSerializer(wireTransformer.serialize)).toBe(serializeForText);
    const other = (value: unknown) => value;
    expect(textSerializer(other)).toBe(other);
  });

  it('deserializes as superjson does, handing plain JSON on without a copy', () => {
    const plain = JSON.parse('{"json":{"message":"hi","factoryInput":{"depth":5,"tags":["a"]}}}');
    expect(wireTransformer.deserialize(plain)).toBe(plain.json);
    expect(wireTransformer.deserialize(plain)).toStrictEqual(superjson.deserialize(plain));
    for (const text of [
      '{"json":{"at":"2026-01-02T03:04:05.678Z"},"meta":{"values":{"at":["Date"]},"v":1}}',
      '{"json":{"a":{"__proto__":{"polluted":true},"b":1}}}',
      '{"json":[{"x":[{"__proto__":{}}]}]}',
      '{"json":"text"}',
      '{"json":null}',
      '{}',
    ]) {
      const wire = JSON.parse(text);
      expect(wireTransformer.deserialize(JSON.parse(text))).toStrictEqual(
        superjson.deserialize(wire),
      );
    }
    expect(() => wireTransformer.deserialize(null)).toThrow(TypeError);
    // A hostile depth is handed on (the factory's depth check refuses it), not a stack overflow.
    const deep = JSON.parse(`{"json":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`);
    expect(wireTransformer.deserialize(deep)).toBe(deep.json);
  });
});
