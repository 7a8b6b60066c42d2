import { z } from 'zod';
import { OutputValidationError } from './errors/outputValidationError.ts';
import type { ResponseFormatSpec } from './model.ts';
import { toValidationIssues } from './validationIssues.ts';

/** `run.output` of an agent: its output schema's parsed type, or `null` without a schema. */
export type OutputOf<TSchema extends z.ZodType | undefined> = [TSchema] extends [z.ZodType]
  ? z.output<TSchema>
  : null;

const SCHEMA_NAME = /[^A-Za-z0-9_-]/g;

/** The JSON Schema the model is asked to follow; computed once, when the agent is built. */
export function responseFormatFor(schema: z.ZodType, name: string): ResponseFormatSpec {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, { io: 'output' }) as Record<string, unknown>;
  } catch (error) {
    throw new TypeError(
      `Agent '${name}': outputSchema cannot be expressed as JSON Schema (${String(error)}); use plain zod types`,
    );
  }
  delete json.$schema;
  // OpenAI names must match ^[a-zA-Z0-9_-]{1,64}$.
  const safeName = (name.replace(SCHEMA_NAME, '_') || 'output').slice(0, 64);
  return Object.freeze({ name: safeName, schema: Object.freeze(json) });
}

/** Parses the model's final answer as JSON and validates it; throws OUTPUT_VALIDATION otherwise. */
export function parseStructuredOutput(schema: z.ZodType, text: string, agentId: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OutputValidationError(agentId, [
      { path: [], message: 'The answer is not valid JSON', code: 'invalid_json' },
    ]);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new OutputValidationError(agentId, toValidationIssues(result.error));
  return result.data;
}
