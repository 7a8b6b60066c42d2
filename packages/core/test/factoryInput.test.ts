import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FactoryValidationError, parseFactoryInput } from '../src/index.ts';

const research = z.object({
  persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
  depth: z.number().int().default(3),
});

function validationError(run: () => unknown): FactoryValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FactoryValidationError);
    return error as FactoryValidationError;
  }
  throw new Error('expected a FactoryValidationError');
}

describe('parseFactoryInput without a schema (§9.3)', () => {
  it('passes an object through as is', () => {
    const raw = { anything: [1, 2], nested: { a: 1 } };
    expect(parseFactoryInput(raw, undefined)).toEqual(raw);
  });

  it('keeps undefined undefined', () => {
    expect(parseFactoryInput(undefined, undefined)).toBeUndefined();
  });

  it('decodes a JSON string', () => {
    expect(parseFactoryInput('{"a":1}', undefined)).toEqual({ a: 1 });
  });

  it('still rejects a non-object', () => {
    expect(validationError(() => parseFactoryInput([1], undefined)).code).toBe(
      'FACTORY_VALIDATION',
    );
  });
});

describe('parseFactoryInput with a schema (§9.4)', () => {
  it('validates an object', () => {
    expect(parseFactoryInput({ persona: 'skeptic', depth: 5 }, research)).toEqual({
      persona: 'skeptic',
      depth: 5,
    });
  });

  it('validates a JSON string (REST form field)', () => {
    expect(parseFactoryInput('{"persona": "skeptic", "depth": 5}', research)).toEqual({
      persona: 'skeptic',
      depth: 5,
    });
  });

  it.each([undefined, null, '', '   '])('applies every default when input is %j', (raw) => {
    expect(parseFactoryInput(raw, research)).toEqual({ persona: 'analyst', depth: 3 });
  });

  it('applies defaults to omitted fields', () => {
    expect(parseFactoryInput({ depth: 7 }, research)).toEqual({ persona: 'analyst', depth: 7 });
  });

  it('fails with 400 when a required field has no default and input is omitted', () => {
    const error = validationError(() =>
      parseFactoryInput(undefined, z.object({ tenant: z.string() })),
    );
    expect(error.httpStatus).toBe(400);
    expect(error.issues.map((i) => i.path)).toEqual([['factoryInput', 'tenant']]);
  });

  it('does not mutate the caller object', () => {
    const raw = { depth: 4 };
    parseFactoryInput(raw, research);
    expect(raw).toEqual({ depth: 4 });
  });
});

describe('parseFactoryInput rejections (§9.5)', () => {
  it('rejects bad JSON before the schema runs', () => {
    const error = validationError(() => parseFactoryInput('{persona: skeptic', research));
    expect(error.code).toBe('FACTORY_VALIDATION');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe('factoryInput is not valid JSON');
    expect(error.issues).toEqual([
      { path: ['factoryInput'], message: 'Expected a JSON object', code: 'invalid_json' },
    ]);
  });

  it.each([
    ['an array', [1, 2]],
    ['a number', 5],
    ['a boolean', true],
    ['a JSON array string', '[1,2]'],
    ['a JSON number string', '42'],
    ['a JSON string string', '"skeptic"'],
    ['a JSON null string', 'null'],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
  ])('rejects %s as not an object', (_, raw) => {
    const error = validationError(() => parseFactoryInput(raw, research));
    expect(error.message).toBe('factoryInput must be a JSON object');
    expect(error.issues[0]?.path).toEqual(['factoryInput']);
  });

  it('reports each failed field with its path under factoryInput', () => {
    const error = validationError(() =>
      parseFactoryInput({ persona: 'pirate', depth: 2.5 }, research),
    );
    expect(error.code).toBe('FACTORY_VALIDATION');
    expect(error.httpStatus).toBe(400);
    expect(error.issues.map((i) => i.path)).toEqual([
      ['factoryInput', 'persona'],
      ['factoryInput', 'depth'],
    ]);
    expect(error.message).toMatch(
      /^Invalid factoryInput: factoryInput\.persona: .+; factoryInput\.depth: .+/,
    );
  });

  it('reports a wrong type with the field path', () => {
    const error = validationError(() => parseFactoryInput('{"depth": "5"}', research));
    expect(error.issues).toMatchObject([{ path: ['factoryInput', 'depth'], code: 'invalid_type' }]);
  });

  it('keeps numeric path segments for arrays', () => {
    const schema = z.object({ tags: z.array(z.string()) });
    const error = validationError(() => parseFactoryInput({ tags: ['a', 1] }, schema));
    expect(error.issues[0]?.path).toEqual(['factoryInput', 'tags', 1]);
  });
});
