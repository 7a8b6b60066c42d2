import type { Model } from '@agentmint/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type FakeServerTurn,
  ScriptedModel,
  startFakeOpenAIServer,
  type Turn,
} from '../src/index.ts';

describe('@agentmint/testing public API', () => {
  it('ScriptedModel is a core Model', () => {
    expectTypeOf(ScriptedModel).instance.toExtend<Model>();
  });

  it('accepts the turn vocabulary and rejects other shapes', () => {
    expectTypeOf({ text: 'hi', deltas: 2, delayMs: 5 }).toExtend<Turn>();
    expectTypeOf({ toolCalls: [{ name: 'add', arguments: { a: 1 } }] }).toExtend<Turn>();
    expectTypeOf({ error: 'boom' }).toExtend<Turn>();
    expectTypeOf({ fault: 'hang' as const }).toExtend<FakeServerTurn>();
    expectTypeOf({ fault: 'hang' as const }).not.toExtend<Turn>();
    // @ts-expect-error: a ScriptedModel cannot play server faults
    new ScriptedModel({ turns: [{ fault: 'hang' }] });
    // @ts-expect-error: text is a string
    new ScriptedModel({ turns: [{ text: 42 }] });
  });

  it('starts a server that can be disposed with await using', () => {
    expectTypeOf(startFakeOpenAIServer).returns.resolves.toExtend<AsyncDisposable>();
    expectTypeOf(startFakeOpenAIServer).returns.resolves.toHaveProperty('url').toBeString();
  });
});
