import type { ResponseFormatSpec } from '@agentmint/core';
import { WireRequestError } from './wireApi.ts';
import { isRecord, requireString } from './wireJson.ts';

/**
 * A `json_schema` format body (`{ type: 'json_schema', name, schema }`) as the structured output
 * the client asked for; other formats (`text`, `json_object`) ask for none. Malformed → 400.
 */
export function parseJsonSchemaFormat(
  format: unknown,
  field: string,
): ResponseFormatSpec | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) throw new WireRequestError(`'${field}' must be an object`);
  if (format.type !== 'json_schema') return undefined;
  const body = isRecord(format.json_schema) ? format.json_schema : format;
  const name = requireString(body.name, `${field}.name`);
  if (!isRecord(body.schema)) throw new WireRequestError(`'${field}.schema' must be an object`);
  return { name, schema: body.schema };
}
