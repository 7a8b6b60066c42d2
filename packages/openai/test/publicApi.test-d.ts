import type { Model } from '@agentmint/core';
import { describe, expectTypeOf, it } from 'vitest';
import { OpenAIChat, OpenAIResponses } from '../src/index.ts';

describe('@agentmint/openai public API', () => {
  it('exposes models that satisfy core Model', () => {
    expectTypeOf(OpenAIResponses).instance.toExtend<Model>();
    expectTypeOf(OpenAIChat).instance.toExtend<Model>();
  });

  it('requires a model id and rejects unknown or mistyped options', () => {
    // @ts-expect-error: id is required
    new OpenAIResponses({});
    // @ts-expect-error: temperature is a number
    new OpenAIChat({ id: 'm', temperature: '0.2' });
    // @ts-expect-error: no such option
    new OpenAIChat({ id: 'm', maxTokens: 10 });
  });
});
