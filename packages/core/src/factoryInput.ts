import type { z } from 'zod';
import { FACTORY_INPUT_FIELD, FactoryValidationError } from './errors/factoryValidationError.ts';
import { isStorableText } from './storableText.ts';
import { toValidationIssues } from './validationIssues.ts';

/**
 * Turns the client's raw `factoryInput` into `ctx.input`. A JSON string is decoded first; the
 * decoded value must be a plain object. Without a schema the object (or `undefined`) passes through;
 * with one, an omitted input validates as `{}` so schemas whose fields all have defaults succeed.
 */
export function parseFactoryInput(raw: unknown, schema: z.ZodType | undefined): unknown {
  const decoded = decodeFactoryInput(raw);
  if (!schema) return decoded;
  const result = schema.safeParse(decoded ?? {});
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error, [FACTORY_INPUT_FIELD]);
  const summary = (field: string) =>
    issues
      .map((issue) => `${[field, ...issue.path.slice(1)].join('.')}: ${issue.message}`)
      .join('; ');
  throw new FactoryValidationError((field) => `Invalid ${field}: ${summary(field)}`, issues);
}

function decodeFactoryInput(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return undefined;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new FactoryValidationError(
        (field) => `${field} is not valid JSON`,
        [{ path: [FACTORY_INPUT_FIELD], message: 'Expected a JSON object', code: 'invalid_json' }],
      );
    }
  }
  if (!isPlainObject(value)) {
    throw new FactoryValidationError(
      (field) => `${field} must be a JSON object`,
      [{ path: [FACTORY_INPUT_FIELD], message: 'Expected an object', code: 'invalid_type' }],
    );
  }
  const shape = inspect(value);
  if (shape.depth > MAX_FACTORY_INPUT_DEPTH) {
    throw new FactoryValidationError(
      (field) => `${field} is nested more than ${MAX_FACTORY_INPUT_DEPTH} levels deep`,
      [{ path: [FACTORY_INPUT_FIELD], message: 'Too deeply nested', code: 'too_deep' }],
    );
  }
  if (!shape.storable) {
    throw new FactoryValidationError(
      (field) =>
        `${field} contains a NUL character or an unpaired surrogate; send valid Unicode text`,
      [{ path: [FACTORY_INPUT_FIELD], message: 'Not valid Unicode text', code: 'invalid_string' }],
    );
  }
  return value;
}

/**
 * Deeper input is refused: freezing, storing (JSON.stringify) and logging it recurse, and a few
 * hundred KiB of `{"a":{"a":…` would overflow the stack there (a 5xx) instead of failing here.
 */
export const MAX_FACTORY_INPUT_DEPTH = 64;

/**
 * How many objects/arrays deep `value` goes, and whether every key and string in it is storable
 * text; walked without recursion, stopping at the first problem.
 */
function inspect(value: unknown): { depth: number; storable: boolean } {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_FACTORY_INPUT_DEPTH) return { depth: deepest, storable: true };
    for (const [key, child] of Object.entries(current)) {
      if (!isStorableText(key) || (typeof child === 'string' && !isStorableText(child))) {
        return { depth: deepest, storable: false };
      }
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return { depth: deepest, storable: true };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
