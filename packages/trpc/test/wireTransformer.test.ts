import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializeLikeSuperjson, wireTransformer } from '../src/wireTransformer.ts';

/** The fast serializer must write what superjson writes, byte for byte and field for field. */
function expectSameAsSuperjson(value: unknown): void {
  const ours = serializeLikeSuperjson(value);
  const theirs = superjson.serialize(value);
  expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
  expect(ours).toStrictEqual(theirs);
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
});
