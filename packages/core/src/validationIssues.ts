import type { z } from 'zod';
import type { ValidationIssue } from './errors/factoryValidationError.ts';

/** zod's issues in the shape clients see, each path under `prefix` (e.g. `factoryInput`). */
export function toValidationIssues(
  error: z.ZodError,
  prefix: readonly (string | number)[] = [],
): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))],
    message: issue.message,
    code: issue.code,
  }));
}
