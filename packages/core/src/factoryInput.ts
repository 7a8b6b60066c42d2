import type { z } from 'zod';
import { FactoryValidationError, type ValidationIssue } from './errors/factoryValidationError.ts';

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
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: [
      'factoryInput',
      ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
    ],
    message: issue.message,
    code: issue.code,
  }));
  const summary = issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new FactoryValidationError(`Invalid factoryInput: ${summary}`, issues);
}

function decodeFactoryInput(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return undefined;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new FactoryValidationError('factoryInput is not valid JSON', [
        { path: ['factoryInput'], message: 'Expected a JSON object', code: 'invalid_json' },
      ]);
    }
  }
  if (!isPlainObject(value)) {
    throw new FactoryValidationError('factoryInput must be a JSON object', [
      { path: ['factoryInput'], message: 'Expected an object', code: 'invalid_type' },
    ]);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
